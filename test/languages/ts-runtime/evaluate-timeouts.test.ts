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

  it('shows mixed outcomes for a Math.random test over the stability runs', () => {
    const runs = testNamed(flaky, 'test/pricing.flaky.test.ts::depends on chance').runs;
    expect(runs).toHaveLength(10);
    const outcomes = new Set(runs.map((r) => r.outcome));
    expect(outcomes).toEqual(new Set(['passed', 'failed']));
    expect(runs.filter((r) => r.outcome === 'failed').every((r) => r.failureKind === 'assertion')).toBe(true);
  });
});
