import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderResult } from '../../../src/languages/types.js';
import { baseInput, runEngineOnHost, testNamed } from './run-grader.js';

describe('TS grader on the host: hangs and flakiness', () => {
  let hang: GraderResult;
  let flaky: GraderResult;

  beforeAll(async () => {
    hang = await runEngineOnHost(baseInput({ candidateFiles: ['test/pricing.hang.test.ts', 'test/pricing.defined.test.ts'], perTestTimeoutMs: 1500 }));
    flaky = await runEngineOnHost(baseInput({ candidateFiles: ['test/pricing.flaky.test.ts'], stabilityRuns: 10, seed: 3 }));
  }, 600_000);

  it('kills a synchronous infinite loop and still gives the other tests their verdicts', () => {
    expect(testNamed(hang, 'test/pricing.hang.test.ts::never ends').runs[0]).toMatchObject({ outcome: 'timeout', failureKind: 'timeout' });
    expect(testNamed(hang, 'test/pricing.hang.test.ts::finishes first').runs[0]?.outcome).toBe('passed');
    expect(testNamed(hang, 'test/pricing.hang.test.ts::finishes after').runs[0]?.outcome).toBe('passed');
    expect(testNamed(hang, 'test/pricing.defined.test.ts::returns something').runs[0]?.outcome).toBe('passed');
    expect(hang.errors).toEqual([]);
  });

  it('shows mixed outcomes for a Math.random test over the stability runs, or, when it failed on head, does not run it again', () => {
    const runs = testNamed(flaky, 'test/pricing.flaky.test.ts::depends on chance').runs;
    expect(runs).toHaveLength(10);
    expect(runs.filter((r) => r.outcome === 'failed').every((r) => r.failureKind === 'assertion')).toBe(true);
    if (runs[0]?.outcome === 'failed') {
      // its verdict is decided on head: the nine reruns are that same run, not nine more executions
      expect(runs.every((r) => r === runs[0] || JSON.stringify(r) === JSON.stringify(runs[0]))).toBe(true);
    } else {
      expect(new Set(runs.map((r) => r.outcome))).toEqual(new Set(['passed', 'failed']));
    }
  });
});

// The control run (a mutant switched on that changes nothing, in a fresh process) runs every test
// that faces a mutant once more on head's behaviour: after a seeded rerun, it stands as that test's
// last stability run. A test that faces no mutant, or that the control did not see pass (a timeout
// under the control's shorter time limit), gets the last seeded rerun instead. The tests here are
// slow only under a fresh process's mutant switch, which tells the control's run from a rerun.
describe('TS grader on the host: the control run as the last stability run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-control-stands-'));
  let result: GraderResult;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const sleepUnderSwitch = (ms: number) => `  if (process.env['TFACTORY_' + 'MUTANT']) await new Promise((r) => setTimeout(r, ${ms}));`;
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'control-stands', type: 'module', devDependencies: { vitest: '^4.1.0' } }),
      'src/calc.ts': 'export function double(n: number): number {\n  return n * 2;\n}\nexport function label(n: number): string {\n  return `#${n}`;\n}\n',
      'test/calc.test.ts': [
        "import { expect, it } from 'vitest';",
        "import { double, label } from '../src/calc';",
        "it('doubles', async () => {",
        sleepUnderSwitch(400),
        '  expect(double(3)).toBe(6);',
        '});',
        "it('labels', () => {",
        "  expect(label(3)).toBe('#3');",
        '});',
      ].join('\n'),
      'test/slow.test.ts': [
        "import { expect, it } from 'vitest';",
        "import { double } from '../src/calc';",
        "it('is slow under the switch', async () => {",
        sleepUnderSwitch(3000),
        '  expect(double(4)).toBe(8);',
        '});',
      ].join('\n'),
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    result = await runEngineOnHost(baseInput({
      candidateFiles: ['test/calc.test.ts', 'test/slow.test.ts'], stabilityRuns: 3, mutation: true, maxMutants: 3, perTestTimeoutMs: 10_000,
      changedRanges: { 'src/calc.ts': [{ start: 1, end: 3 }] },
    }), process.env, dir);
  }, 600_000);

  it("takes the control's run as the third run of a test that faces mutants", () => {
    const runs = testNamed(result, 'test/calc.test.ts::doubles').runs;
    expect(runs.map((r) => r.outcome)).toEqual(['passed', 'passed', 'passed']);
    // head and the seeded rerun ran with no mutant switched on; the third run is the control's
    expect(runs.map((r) => r.durationMs >= 350)).toEqual([false, false, true]);
    expect(testNamed(result, 'test/calc.test.ts::doubles').mutants.killed.length).toBeGreaterThan(0);
    // (slow.test.ts's kills seen while screening, with no switch in the process, time out when confirmed)
    expect(result.errors.filter((e) => e.includes('calc.test'))).toEqual([]);
  });

  it('reruns a test that faces no mutant, seeded, for its third run', () => {
    const labels = testNamed(result, 'test/calc.test.ts::labels');
    expect(labels.mutants.notReached).toHaveLength(result.mutants.length);
    expect(labels.runs.map((r) => r.outcome)).toEqual(['passed', 'passed', 'passed']);
  });

  it("reruns with the full time limit a test that timed out under the control's shorter one: it is not flaky", () => {
    const runs = testNamed(result, 'test/slow.test.ts::is slow under the switch').runs;
    expect(runs.map((r) => r.outcome)).toEqual(['passed', 'passed', 'passed']);
    expect(runs.every((r) => r.durationMs < 2000)).toBe(true);
  });
});
