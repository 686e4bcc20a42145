import { describe, expect, it } from 'vitest';
import { renderRunStatus, sortNewestFirst } from '../../src/github/run-status.js';
import { makeReport } from '../fakes/reports.js';
import { makeRun, stagesWith } from '../fakes/runs.js';

describe('renderRunStatus', () => {
  it('says how to start a run when there is none', () => {
    expect(renderRunStatus(undefined)).toBe('No TFactory run for this pull request yet. Start one with `/tfactory run`.');
  });

  it('shows the stage table of a run in progress', () => {
    const text = renderRunStatus(makeRun({ id: 'run-7', status: 'running', stages: stagesWith({ ingest: 'done', plan: 'running' }) }));
    expect(text.split('\n').slice(0, 3)).toEqual([
      '**TFactory** run `run-7` is **running** (started 2025-01-01T00:00:00.000Z).',
      '',
      'TFactory run `run-7` is in the **plan** stage.',
    ]);
    expect(text).toContain('| plan | 🔄 running |');
  });

  it('sums up the report of a finished run', () => {
    const report = makeReport({ accepted: 2, flagged: 1, rejected: 3, unverifiedAcs: 2 });
    expect(renderRunStatus(makeRun({ id: 'run-8', status: 'succeeded', report }))).toBe(
      '**TFactory** run `run-8` is **succeeded** (started 2025-01-01T00:00:00.000Z).\n\n2 accepted, 1 flagged, 3 rejected; 1/3 acceptance criteria verified.',
    );
  });

  it('shows the error of a failed run', () => {
    const text = renderRunStatus(makeRun({ status: 'failed', error: { code: 'GIT_FAILED', message: 'fetch refused' } }));
    expect(text.endsWith('\n\n`GIT_FAILED`: fetch refused')).toBe(true);
    expect(text).not.toContain('| Stage |');
  });
});

describe('sortNewestFirst', () => {
  it('orders by creation time, newest first, without changing the input', () => {
    const runs = [makeRun({ id: 'b', createdAt: '2025-01-02T00:00:00Z' }), makeRun({ id: 'c', createdAt: '2025-01-03T00:00:00Z' }), makeRun({ id: 'a', createdAt: '2025-01-01T00:00:00Z' })];
    expect(sortNewestFirst(runs).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(runs.map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });
});
