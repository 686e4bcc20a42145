import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { LanguageProfile } from '../../../src/languages/types.js';
import { runGrader } from '../../../src/pipeline/stages/evaluate/run-grader.js';
import { createFakeSandbox } from '../../fakes/fake-sandbox.js';

const TS: LanguageProfile = { language: 'typescript', framework: 'vitest', packageManager: 'npm', root: '', testDir: 'test', layout: 'flat', testFileNamePattern: '{module}.test.ts', files: [] };
const RESULT = JSON.stringify({ tests: [], mutants: [], suiteCoveredChanged: {}, changedExecutable: {}, executions: 0, necessaryMs: 0, errors: [] });

async function limitsFor(profile: LanguageProfile): Promise<unknown> {
  const sandbox = createFakeSandbox(() => ({ files: [{ path: 'result.json', content: RESULT }] }));
  await runGrader({
    sandbox, image: 'runner:test', profile, headDir: '/tmp', timeoutMs: 60_000, runId: 'r1',
    input: { projectRoot: '', candidateFiles: [], suiteFiles: [], changedRanges: {}, stabilityRuns: 1, seed: 1, perTestTimeoutMs: 1000, mutation: false, maxMutants: 0 },
  });
  return sandbox.calls[0]?.container.limits;
}

describe('the grader container\'s CPUs', () => {
  it('gives the TS grader two CPUs (its warm vitest runs two workers), never more than the machine has', async () => {
    expect(await limitsFor(TS)).toEqual({ timeoutMs: 60_000, nanoCpus: Math.min(2, availableParallelism()) * 1e9 });
  });
});
