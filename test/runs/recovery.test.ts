import { describe, expect, it } from 'vitest';
import { crashedStage } from '../../src/runs/recovery.js';
import { makeRun, stagesWith } from '../fakes/runs.js';

// recoverRuns itself is exercised against a real store and killed worker in crash-recovery.test.ts.
describe('crashedStage', () => {
  it('is the running stage', () => {
    expect(crashedStage(makeRun({ stages: stagesWith({ ingest: 'done', plan: 'done', generate: 'running' }) }))).toBe('generate');
  });

  it('is the first stage that had not finished when none is running', () => {
    expect(crashedStage(makeRun({ stages: stagesWith({ ingest: 'done', plan: 'skipped' }) }))).toBe('generate');
    expect(crashedStage(makeRun({ stages: stagesWith({ ingest: 'done', plan: 'failed', generate: 'pending' }) }))).toBe('plan');
  });

  it('is undefined when every stage ended', () => {
    expect(crashedStage(makeRun({ stages: stagesWith({ ingest: 'done', plan: 'done', generate: 'done', evaluate: 'done', triage: 'done', publish: 'skipped' }) }))).toBeUndefined();
    expect(crashedStage(makeRun({ stages: [] }))).toBeUndefined();
  });
});
