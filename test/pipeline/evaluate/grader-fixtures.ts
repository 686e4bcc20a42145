import type { LlmPort } from '../../../src/llm/port.js';
import type { GraderResult, GradedTest } from '../../../src/languages/types.js';
import type { CandidateFile, StageContext } from '../../../src/pipeline/types.js';
import { createFakeSandbox, type FakeSandbox } from '../../fakes/fake-sandbox.js';
import { testSettings } from '../../fakes/settings.js';
import { makeStageContext } from '../../llm/pricing-fixture.js';

/** A test as a grader reports it: passes on head (3 runs), fails on base, kills `kills` mutants by assertion. */
export function measuredTest(file: string, name: string, opts: { passes?: boolean; kills?: number; survived?: number; covered?: number[] } = {}): GradedTest {
  const passes = opts.passes ?? true;
  const run = passes ? { outcome: 'passed' as const, durationMs: 5 } : { outcome: 'failed' as const, failureKind: 'assertion' as const, message: 'assert 1 == 2', durationMs: 5 };
  const kills = opts.kills ?? 2;
  return {
    id: `${file}::${name}`, file, name,
    runs: [run, run, run],
    coveredChanged: { 'shop/pricing.py': opts.covered ?? [9, 10] },
    mutants: {
      killed: Array.from({ length: kills }, (_, i) => ({ mutant: `m${i + 1}`, by: 'assertion' as const })),
      survived: Array.from({ length: opts.survived ?? 0 }, (_, i) => `s${i + 1}`),
      notReached: [],
    },
    onBase: { outcome: 'failed', failureKind: 'assertion', message: 'old code', durationMs: 5 },
  };
}

export function graderResult(tests: GradedTest[], errors: string[] = []): GraderResult {
  return {
    tests,
    mutants: [{ id: 'm1', file: 'shop/pricing.py', line: 9, operator: 'compare', description: '< → <=', coveredBy: tests.map((t) => t.id) }],
    suiteCoveredChanged: {},
    changedExecutable: { 'shop/pricing.py': [9, 10, 11] },
    executions: tests.length * 4,
    necessaryMs: tests.length * 5,
    errors,
  };
}

/** A fake sandbox whose grader command leaves `result` as result.json in the scratch folder. */
export function graderSandbox(result: GraderResult | undefined, reply: { exitCode?: number; stderr?: string } = {}): FakeSandbox {
  return createFakeSandbox(() => ({
    exitCode: reply.exitCode ?? 0,
    stderr: reply.stderr ?? '',
    files: result ? [{ path: 'result.json', content: JSON.stringify(result) }] : [],
  }));
}

/**
 * The grader's commands that give its result: the whole grading, or part 0 of a split one, which
 * merges the others (with two cores the Python grader runs one command per part, run-grader.ts,
 * each in its own container).
 */
export function gradings(sandbox: FakeSandbox): FakeSandbox['calls'] {
  return sandbox.calls.filter((c) => !c.exec.cmd.includes('--part') || c.exec.cmd.includes('--merge'));
}

export function candidate(path: string, content: string, extra: Partial<CandidateFile> = {}): CandidateFile {
  return { path, content, language: 'python', framework: 'pytest', origin: 'generated', acIds: ['AC#1'], subtaskId: 'S1', ...extra };
}

/** A stage context on the pricing fixture whose sandbox is `sandbox`; judge on only when a model is given. */
export function graderContext(sandbox: FakeSandbox, llm?: LlmPort): StageContext & { progressCalls: Array<[string, number, number]> } {
  const base = makeStageContext(llm, testSettings());
  return { ...base, ports: { ...base.ports, sandbox } };
}
