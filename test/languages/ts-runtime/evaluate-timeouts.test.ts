import { beforeAll, describe, expect, it } from 'vitest';
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
