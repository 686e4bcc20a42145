import type { EvaluationSettings } from '../../../config/run-settings.js';

/** Ceiling of one grader container, whatever the numbers say. */
export const MAX_GRADER_MS = 60 * 60_000;

/**
 * The hard limit of one grader container: a minute to start, then for each test its head run,
 * stability reruns and base run, plus every mutant at the per-test limit. The grader kills a
 * hanging test itself well before; this only ends a grader that is stuck as a whole.
 */
export function graderTimeoutMs(o: EvaluationSettings, tests: number): number {
  const perTest = o.perTestTimeoutMs * (o.stabilityRuns + 1 + (o.failToPass ? 1 : 0));
  const mutants = o.mutation ? o.maxMutants * o.perTestTimeoutMs : 0;
  return Math.min(MAX_GRADER_MS, 60_000 + Math.max(1, tests) * perTest + mutants);
}
