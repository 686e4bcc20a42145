import { describe, expect, it } from 'vitest';
import { batchAnnotations, buildAnnotations } from '../../src/github/annotations.js';
import { hasRunTrailer, buildCommitMessage } from '../../src/github/push-tests.js';
import { evaluateQualityGate } from '../../src/github/quality-gate.js';
import { createKeyedThrottle } from '../../src/github/throttle.js';
import { fenceFor, truncateMarkdown } from '../../src/github/truncate-markdown.js';
import { makeReport } from '../fakes/reports.js';

const GATE = { minAccepted: 0, failOnRejected: false, requireAllAcsVerified: false };

describe('quality gate', () => {
  it('maps reports to success, neutral, failure and action_required', () => {
    expect(evaluateQualityGate(makeReport({ accepted: 2 }), GATE)).toEqual({ conclusion: 'success', reasons: [] });
    expect(evaluateQualityGate(makeReport({ accepted: 2, flagged: 1 }), GATE).conclusion).toBe('neutral');
    expect(evaluateQualityGate(makeReport({ accepted: 0 }), GATE).conclusion).toBe('neutral');
    expect(evaluateQualityGate(makeReport({ accepted: 1 }), { ...GATE, minAccepted: 2 })).toMatchObject({ conclusion: 'failure' });
    expect(evaluateQualityGate(makeReport({ accepted: 3, rejected: 1 }), { ...GATE, failOnRejected: true }).conclusion).toBe('failure');
    expect(evaluateQualityGate(makeReport({ accepted: 3, unverifiedAcs: 1 }), { ...GATE, requireAllAcsVerified: true })).toEqual({
      conclusion: 'action_required',
      reasons: ['1 of 2 acceptance criteria are not verified'],
    });
  });
});

describe('annotations', () => {
  it('annotates flagged and rejected tests at their line and unverified criteria in the spec', () => {
    const all = buildAnnotations(makeReport({ accepted: 1, flagged: 1, rejected: 1, unverifiedAcs: 1 }));
    expect(all.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ['tests/test_flagged.py', 10, 'warning'],
      ['tests/test_rejected.py', 10, 'notice'],
      ['specs/042/spec.md', 20, 'warning'],
    ]);
  });

  it('batches 50 per request', () => {
    const all = buildAnnotations(makeReport({ flagged: 120 }));
    expect(batchAnnotations(all).map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batchAnnotations([])).toEqual([[]]);
  });
});

describe('truncateMarkdown', () => {
  it('keeps text that fits and cuts at a section boundary with a note', () => {
    expect(truncateMarkdown('short', 100)).toBe('short');
    const sections = Array.from({ length: 50 }, (_, i) => `## Section ${i}\n\n${'x'.repeat(80)}`).join('\n\n');
    const cut = truncateMarkdown(sections, 2_000);
    expect(cut.length).toBeLessThanOrEqual(2_000);
    expect(cut).toMatch(/x\n\n> _Shortened to fit GitHub's limit: \d+ characters omitted; see the full report\._\n$/);
    const omitted = Number(/(\d+) characters omitted/.exec(cut)?.[1]);
    expect(cut.indexOf('\n\n> _Shortened') + omitted).toBe(sections.length);
  });

  it('picks a fence the content cannot close', () => {
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('has ```` four')).toBe('`````');
  });
});

describe('commit message', () => {
  it('carries the trailer that marks our own pushes', () => {
    const msg = buildCommitMessage(1, '042', 'run-9');
    expect(msg).toBe('test: add 1 test for 042 (TFactory)\n\nTFactory-Run: run-9\n');
    expect(hasRunTrailer(msg)).toBe(true);
    expect(hasRunTrailer('fix: mention TFactory-Run: in prose')).toBe(false);
  });
});

describe('keyed throttle', () => {
  it('sends the first value, holds later ones for one trailing send, and drops repeats', async () => {
    const sent: string[] = [];
    let now = 0;
    const timers: Array<() => void> = [];
    const throttle = createKeyedThrottle<string>({
      minIntervalMs: 1_000,
      now: () => now,
      schedule: (fn) => {
        timers.push(fn);
        return { cancel: () => undefined };
      },
      sameAs: (a, b) => a === b,
      send: async (key, v) => {
        sent.push(`${key}:${v}`);
      },
    });
    throttle.push('r1', 'a');
    throttle.push('r1', 'a');
    throttle.push('r1', 'b');
    throttle.push('r1', 'c');
    throttle.push('r2', 'x');
    now = 1_000;
    timers.splice(0).forEach((fn) => fn());
    await throttle.stop('r1');
    await throttle.stop('r2');
    expect(sent).toEqual(['r1:a', 'r2:x', 'r1:c']);
  });
});
