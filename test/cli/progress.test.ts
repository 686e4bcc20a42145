import { describe, expect, it } from 'vitest';
import { createProgressDisplay, formatDuration, progressModeFor } from '../../src/cli/progress.js';
import type { CliIo } from '../../src/cli/io.js';
import { makeRun, stagesWith } from '../fakes/runs.js';

function io(isTty: boolean): CliIo & { err: string[] } {
  const err: string[] = [];
  return { err, stdout: () => {}, stderr: (t) => err.push(t), env: {}, cwd: '/tmp', isTty };
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('progressModeFor', () => {
  it('is live on a terminal, plain lines otherwise or when asked, nothing with --quiet', () => {
    expect(progressModeFor({}, io(true))).toBe('live');
    expect(progressModeFor({}, io(false))).toBe('lines');
    expect(progressModeFor({ 'no-progress': true }, io(true))).toBe('lines');
    expect(progressModeFor({ verbose: true }, io(true))).toBe('lines');
    expect(progressModeFor({ quiet: true, verbose: true }, io(true))).toBe('quiet');
  });
});

describe('formatDuration', () => {
  it('reads as seconds, then minutes, then hours', () => {
    expect([formatDuration(400), formatDuration(59_400), formatDuration(61_000), formatDuration(3_723_000)]).toEqual(['0s', '59s', '1m01s', '1h02m']);
  });
});

describe('createProgressDisplay', () => {
  it('lines: one line per change of the followed run, with the elapsed time, skipping repeats and other runs', () => {
    const out = io(false);
    const c = clock();
    const display = createProgressDisplay(out, 'run-1', 'lines', c.now);
    const stages = stagesWith({ ingest: 'done' });
    stages[0] = { ...stages[0]!, durationMs: 1500 };
    const run = makeRun({ id: 'run-1', status: 'running', stages });
    display.onEvent({ type: 'stage', run, stage: 'ingest' });
    c.advance(12_000);
    display.onEvent({ type: 'progress', run, stage: 'evaluate', done: 1, total: 4 });
    display.onEvent({ type: 'progress', run, stage: 'evaluate', done: 1, total: 4 });
    display.onEvent({ type: 'progress', run: makeRun({ id: 'run-2' }), stage: 'evaluate', done: 3, total: 4 });
    c.advance(50_000);
    display.onEvent({ type: 'finished', run: { ...run, status: 'succeeded' } });
    display.done();
    expect(out.err).toEqual([
      'tfactory: ingest done in 2s\n',
      'tfactory: evaluate 1/4 test files graded · 12s elapsed\n',
      'tfactory: run succeeded in 1m02s\n',
    ]);
  });

  it('says why a stage failed (with its code) or was skipped', () => {
    const out = io(false);
    const display = createProgressDisplay(out, 'run-1', 'lines');
    const stages = stagesWith({ plan: 'skipped', generate: 'failed' });
    stages[1] = { ...stages[1]!, note: 'evaluate-only run' };
    stages[2] = { ...stages[2]!, error: { code: 'LLM_FAILED', message: 'rate limited\nretry-after: 30' } };
    const run = makeRun({ id: 'run-1', stages });
    display.onEvent({ type: 'stage', run, stage: 'plan' });
    display.onEvent({ type: 'stage', run, stage: 'generate' });
    expect(out.err).toEqual(['tfactory: plan skipped (evaluate-only run)\n', 'tfactory: generate failed: LLM_FAILED: rate limited\n']);
  });

  it('live: a status line redrawn in place with the count, elapsed time and an estimate; one line sums up the run', () => {
    const out = io(true);
    const c = clock();
    const display = createProgressDisplay(out, 'run-1', 'live', c.now);
    const running = stagesWith({ evaluate: 'running' });
    display.onEvent({ type: 'stage', run: makeRun({ id: 'run-1', stages: running }), stage: 'evaluate' });
    c.advance(20_000);
    display.onEvent({ type: 'progress', run: makeRun({ id: 'run-1' }), stage: 'evaluate', done: 2, total: 6 });
    const last = out.err.at(-1) ?? '';
    expect(last.startsWith('\r\x1b[2K')).toBe(true);
    // 20 s for 2 files: about 40 s for the 4 left.
    expect(last).toMatch(/tfactory: evaluate 2\/6 test files graded · 20s elapsed · ~40s left in evaluate$/);
    const done = stagesWith({ ingest: 'done', evaluate: 'done' });
    done[0] = { ...done[0]!, durationMs: 2_000 };
    done[3] = { ...done[3]!, durationMs: 61_000 };
    display.onEvent({ type: 'stage', run: makeRun({ id: 'run-1', stages: done }), stage: 'evaluate' });
    // Finished stages are not a line each on a terminal: the run's last line sums them up.
    expect(out.err.filter((l) => l.endsWith('\n'))).toEqual([]);
    c.advance(45_000);
    display.onEvent({ type: 'finished', run: makeRun({ id: 'run-1', status: 'succeeded', stages: done }) });
    expect(out.err).toContain('\r\x1b[2K✓ run succeeded in 1m05s (ingest 2s · evaluate 1m01s)\n');
    display.done();
    expect(out.err.at(-1)).toBe('\r\x1b[2K');
  });

  it('live: a failed stage is said at once, with its code', () => {
    const out = io(true);
    const display = createProgressDisplay(out, 'run-1', 'live');
    const stages = stagesWith({ generate: 'failed' });
    stages[2] = { ...stages[2]!, durationMs: 3_000, error: { code: 'LLM_FAILED', message: 'rate limited' } };
    display.onEvent({ type: 'stage', run: makeRun({ id: 'run-1', stages }), stage: 'generate' });
    expect(out.err).toContain('\r\x1b[2K✗ generate in 3s: LLM_FAILED: rate limited\n');
    display.done();
  });

  it('quiet: nothing at all', () => {
    const out = io(true);
    const display = createProgressDisplay(out, 'run-1', 'quiet');
    const run = makeRun({ id: 'run-1', stages: stagesWith({ ingest: 'done' }) });
    display.onEvent({ type: 'stage', run, stage: 'ingest' });
    display.onEvent({ type: 'progress', run, stage: 'evaluate', done: 1, total: 2 });
    display.onEvent({ type: 'finished', run: { ...run, status: 'succeeded' } });
    display.done();
    expect(out.err).toEqual([]);
  });
});
