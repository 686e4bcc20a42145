import { describe, expect, it } from 'vitest';
import { buildEndedOutput, buildProgressOutput, buildReportOutput } from '../../src/github/check-output.js';
import { GITHUB_TEXT_LIMIT } from '../../src/github/truncate-markdown.js';
import { makeReport } from '../fakes/reports.js';
import { makeRun, stagesWith } from '../fakes/runs.js';

describe('buildProgressOutput', () => {
  it('names a queued run', () => {
    const out = buildProgressOutput(makeRun({ id: 'run-1' }));
    expect(out.title).toBe('Queued');
    expect(out.summary.split('\n')[0]).toBe('TFactory run `run-1` is queued.');
  });

  it('shows the running stage with its progress, and every stage with status, progress and time', () => {
    const stages = stagesWith({ ingest: 'done', plan: 'done', generate: 'running' });
    stages[0] = { ...stages[0]!, durationMs: 1234 };
    stages[2] = { ...stages[2]!, progress: { done: 3, total: 8 } };
    const out = buildProgressOutput(makeRun({ id: 'run-2', status: 'running', stages }));
    expect(out.title).toBe('Running: generate (3/8)');
    expect(out.summary.split('\n')).toEqual([
      'TFactory run `run-2` is in the **generate** stage (3/8).',
      '',
      '| Stage | Status |',
      '| --- | --- |',
      '| ingest | ✅ done · 1.2 s |',
      '| plan | ✅ done |',
      '| generate | 🔄 running · 3/8 |',
      '| evaluate | ⏳ pending |',
      '| triage | ⏳ pending |',
      '| publish | ⏳ pending |',
    ]);
  });

  it('uses the stage it is given over the one marked running', () => {
    const out = buildProgressOutput(makeRun({ stages: stagesWith({ ingest: 'running' }) }), 'evaluate');
    expect(out.title).toBe('Running: evaluate');
  });
});

describe('buildReportOutput', () => {
  it('puts the counts in the title and the gate and notes in the summary', () => {
    const report = makeReport({ accepted: 2, flagged: 1, unverifiedAcs: 1 });
    const out = buildReportOutput(report, { conclusion: 'neutral', reasons: ['1 test flagged', 'AC#1 unverified'] }, '# Report', ['mutation off by config']);
    expect(out.title).toBe('2 accepted, 1 flagged, 0 rejected · ACs 1/2 verified');
    expect(out.summary.split('\n')).toEqual([
      '**Conclusion:** neutral — 1 test flagged; AC#1 unverified',
      '',
      '| Tests | Accepted | Flagged | Rejected | Errors | Stuck | ACs verified |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 3 | 2 | 1 | 0 | 0 | 0 | 1/2 |',
      '',
      '- mutation off by config',
    ]);
    expect(out.text).toBe('# Report');
  });

  it('has no reasons dash when the gate passes, and keeps the report text within GitHub\'s limit', () => {
    const out = buildReportOutput(makeReport({ accepted: 1 }), { conclusion: 'success', reasons: [] }, 'x'.repeat(GITHUB_TEXT_LIMIT + 10));
    expect(out.summary.split('\n')[0]).toBe('**Conclusion:** success');
    expect(out.text!.length).toBeLessThanOrEqual(GITHUB_TEXT_LIMIT);
    expect(out.text).toContain('the report in the PR comment');
  });
});

describe('buildEndedOutput', () => {
  it('says a run was cancelled, with the reason when known', () => {
    expect(buildEndedOutput(makeRun({ id: 'r', status: 'cancelled' }))).toEqual({ title: 'Cancelled', summary: 'TFactory run `r` was cancelled.' });
    expect(buildEndedOutput(makeRun({ id: 'r', status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'cancelled by @octocat' } })).summary).toBe(
      'TFactory run `r` was cancelled.\n\ncancelled by @octocat',
    );
  });

  it('says a run was superseded', () => {
    expect(buildEndedOutput(makeRun({ id: 'r', status: 'superseded' })).title).toBe('Superseded');
  });

  it('shows the error code and message of a failed run', () => {
    expect(buildEndedOutput(makeRun({ id: 'r', status: 'failed', error: { code: 'LLM_FAILED', message: 'rate limited' } }))).toEqual({
      title: 'Run failed',
      summary: 'TFactory run `r` failed.\n\n`LLM_FAILED`: rate limited',
    });
    expect(buildEndedOutput(makeRun({ id: 'r', status: 'failed' })).summary).toBe('TFactory run `r` failed.');
  });
});
