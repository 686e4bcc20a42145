import { describe, expect, it } from 'vitest';
import { graderTimeoutMs, MAX_GRADER_MS } from '../../../src/pipeline/stages/evaluate/grader-timeout.js';
import { testSettings } from '../../fakes/settings.js';

describe('graderTimeoutMs', () => {
  const base = { ...testSettings().evaluation, perTestTimeoutMs: 1000, stabilityRuns: 3, failToPass: true, mutation: true, maxMutants: 10 };

  it('gives each test its head, stability and base runs, plus every mutant at the per-test limit', () => {
    // 60 s start + 2 tests × 1 s × (3 + 1 + 1) + 10 mutants × 1 s
    expect(graderTimeoutMs(base, 2)).toBe(60_000 + 2 * 5_000 + 10_000);
  });

  it('drops the base run and the mutants when they are off, and counts at least one test', () => {
    expect(graderTimeoutMs({ ...base, failToPass: false, mutation: false }, 0)).toBe(60_000 + 4_000);
  });

  it('never exceeds the ceiling', () => {
    expect(graderTimeoutMs({ ...base, perTestTimeoutMs: 600_000 }, 50)).toBe(MAX_GRADER_MS);
  });
});
