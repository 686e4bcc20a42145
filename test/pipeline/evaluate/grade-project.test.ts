import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { TfError } from '../../../src/errors.js';
import { gradeProject } from '../../../src/pipeline/stages/evaluate/grade-project.js';
import { loadPricingIngest } from '../../llm/pricing-fixture.js';
import { testSettings } from '../../fakes/settings.js';
import { candidate, graderContext, graderResult, graderSandbox, gradings, measuredTest } from './grader-fixtures.js';

const FILE = 'tests/test_pricing_tfactory_1.py';
const dir = mkdtempSync(join(tmpdir(), 'tfactory-grade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trees = { root: dir, headDir: join(dir, 'head'), baseDir: join(dir, 'base'), refused: new Map<string, string>(), notes: [], dispose: async () => {} };
const profile = loadPricingIngest().profiles[0];
if (!profile) throw new Error('the pricing fixture has a Python profile');
const options = testSettings().evaluation;
const ranges = { 'shop/pricing.py': [{ start: 8, end: 17 }] };

describe('gradeProject', () => {
  it('runs the grader once in the sandbox with the input it needs and returns what it measured', async () => {
    const sandbox = graderSandbox(graderResult([measuredTest(FILE, 'test_cap')]));
    const grade = await gradeProject({ ctx: graderContext(sandbox), sandbox, image: 'runner:py', profile, trees, candidates: [candidate(FILE, '')], changedRanges: ranges, options });
    expect(grade.infra).toBeUndefined();
    expect(grade.result?.tests.map((t) => t.id)).toEqual([`${FILE}::test_cap`]);
    // One grading (its parts, when there are two cores, run in containers of the same kind).
    expect(gradings(sandbox)).toHaveLength(1);
    expect(sandbox.calls).toHaveLength(availableParallelism() >= 2 ? 2 : 1);
    for (const call of sandbox.calls) {
      expect(call.container).toMatchObject({ image: 'runner:py', workspace: trees.headDir, labels: { 'tfactory.run': 'run-test', 'tfactory.purpose': 'evaluate' } });
      // The base tree is mounted read-only for fail-to-pass.
      expect(call.container.mounts).toContainEqual({ hostPath: trees.baseDir, containerPath: '/base', readOnly: true });
      expect(call.exec.env?.PYTHONHASHSEED).toBe(String(options.seed));
    }
  });

  it('turns a grader that leaves no result into an infrastructure reason with its exit code', async () => {
    const sandbox = graderSandbox(undefined, { exitCode: 137, stderr: 'Killed' });
    const grade = await gradeProject({ ctx: graderContext(sandbox), sandbox, image: 'runner:py', profile, trees, candidates: [candidate(FILE, '')], changedRanges: ranges, options });
    expect(grade.result).toBeUndefined();
    expect(grade.infra).toMatch(/ended without a result \(exited, exit 137\)/);
  });

  it("logs the grader's errors (a runner that died, with its exit code and last output), and keeps them in the result", async () => {
    const died = 'vitest 3.2.7 exited with code 1 before reporting the end of its run; its last output: Error: Cannot find package';
    const sandbox = graderSandbox(graderResult([], [died]));
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const grade = await gradeProject({ ctx: { ...graderContext(sandbox), log }, sandbox, image: 'runner:py', profile, trees, candidates: [candidate(FILE, '')], changedRanges: ranges, options });
    expect(grade.result?.errors).toEqual([died]);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; errors?: string[]; language?: string });
    expect(logged.filter((l) => l.msg === 'grader reported errors')).toEqual([expect.objectContaining({ language: profile.language, errors: [died] })]);
  });

  it('turns a failed dependency preparation into an infrastructure reason, before any container', async () => {
    const sandbox = graderSandbox(graderResult([]));
    const prepare = async () => {
      throw new TfError('PREPARE_FAILED', 'npm ci failed', { hint: 'commit a lockfile' });
    };
    const grade = await gradeProject({ ctx: graderContext(sandbox), sandbox, image: 'runner:py', profile, trees, candidates: [candidate(FILE, '')], changedRanges: ranges, options, prepare });
    expect(grade.infra).toBe('npm ci failed\n  → commit a lockfile');
    expect(sandbox.calls).toHaveLength(0);
  });

  it('rethrows when the run was cancelled', async () => {
    const sandbox = graderSandbox(undefined);
    const abort = new AbortController();
    abort.abort();
    const ctx = { ...graderContext(sandbox), signal: abort.signal };
    await expect(gradeProject({ ctx, sandbox, image: 'runner:py', profile, trees, candidates: [candidate(FILE, '')], changedRanges: ranges, options })).rejects.toBeDefined();
  });
});
