import type { EvaluateStage } from '../types.js';
import type { RunOptions } from '../../../runs/types.js';
import { DEFAULT_EVALUATE_OPTIONS, evaluateCandidates, type EvaluateDeps, type EvaluateOptions } from './evaluate.js';

/** The run's evaluation settings: its options over the defaults; `--no-llm` turns the judge off. */
export function evaluateOptionsFor(options: RunOptions): EvaluateOptions {
  const e = options.evaluation ?? {};
  return {
    stabilityRuns: e.stabilityRuns ?? DEFAULT_EVALUATE_OPTIONS.stabilityRuns,
    seed: DEFAULT_EVALUATE_OPTIONS.seed,
    perTestTimeoutMs: e.perTestTimeoutMs ?? DEFAULT_EVALUATE_OPTIONS.perTestTimeoutMs,
    mutation: e.mutation ?? DEFAULT_EVALUATE_OPTIONS.mutation,
    maxMutants: e.maxMutants ?? DEFAULT_EVALUATE_OPTIONS.maxMutants,
    failToPass: e.failToPass ?? DEFAULT_EVALUATE_OPTIONS.failToPass,
    judge: options.noLlm === true ? false : (e.judge ?? DEFAULT_EVALUATE_OPTIONS.judge),
  };
}

/** 4. evaluate: grade every candidate test function in the sandbox. */
export function createEvaluateStage(deps: EvaluateDeps): EvaluateStage {
  return (ctx, ingest, generated) => evaluateCandidates(ctx, ingest, generated.candidates, evaluateOptionsFor(ctx.run.request.options), deps);
}
