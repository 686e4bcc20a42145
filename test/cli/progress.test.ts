import { describe, expect, it } from 'vitest';
import { createProgressDisplay } from '../../src/cli/progress.js';
import type { CliIo } from '../../src/cli/io.js';
import { makeRun, stagesWith } from '../fakes/runs.js';

function io(isTty: boolean): CliIo & { err: string[] } {
  const err: string[] = [];
  return { err, stdout: () => {}, stderr: (t) => err.push(t), env: {}, cwd: '/tmp', isTty };
}

describe('createProgressDisplay', () => {
  it('writes one plain line per change of the followed run, skipping repeats and other runs', () => {
    const out = io(false);
    const display = createProgressDisplay(out, 'run-1');
    const stages = stagesWith({ ingest: 'done' });
    stages[0] = { ...stages[0]!, durationMs: 1500 };
    const run = makeRun({ id: 'run-1', status: 'running', stages });
    display.onEvent({ type: 'stage', run, stage: 'ingest' });
    display.onEvent({ type: 'progress', run, stage: 'evaluate', done: 1, total: 4 });
    display.onEvent({ type: 'progress', run, stage: 'evaluate', done: 1, total: 4 });
    display.onEvent({ type: 'progress', run: makeRun({ id: 'run-2' }), stage: 'evaluate', done: 3, total: 4 });
    display.onEvent({ type: 'finished', run: { ...run, status: 'succeeded' } });
    display.done();
    expect(out.err).toEqual(['tfactory: ingest done in 1.5s\n', 'tfactory: evaluate 1/4\n', 'tfactory: run succeeded\n']);
  });

  it('shows why a stage failed or was skipped', () => {
    const out = io(false);
    const display = createProgressDisplay(out, 'run-1');
    const stages = stagesWith({ plan: 'skipped', generate: 'failed' });
    stages[1] = { ...stages[1]!, note: 'evaluate-only run' };
    stages[2] = { ...stages[2]!, error: { code: 'LLM_FAILED', message: 'rate limited' } };
    const run = makeRun({ id: 'run-1', stages });
    display.onEvent({ type: 'stage', run, stage: 'plan' });
    display.onEvent({ type: 'stage', run, stage: 'generate' });
    expect(out.err).toEqual(['tfactory: plan skipped (evaluate-only run)\n', 'tfactory: generate failed: rate limited\n']);
  });

  it('rewrites one line in place on a terminal and ends it when done', () => {
    const out = io(true);
    const display = createProgressDisplay(out, 'run-1');
    const run = makeRun({ id: 'run-1' });
    display.onEvent({ type: 'progress', run, stage: 'evaluate', done: 2, total: 3 });
    display.done();
    expect(out.err).toEqual(['\r\x1b[2Ktfactory: evaluate 2/3', '\n']);
    const quiet = io(true);
    createProgressDisplay(quiet, 'run-1').done();
    expect(quiet.err).toEqual([]);
  });
});
