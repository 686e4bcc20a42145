import type { EvaluateStage } from '../types.js';
import { evaluateCandidates, type EvaluateDeps } from './evaluate.js';

/** 4. evaluate: grade every candidate test function in the sandbox, as the run's settings say. */
export function createEvaluateStage(deps: EvaluateDeps): EvaluateStage {
  return (ctx, ingest, generated) => evaluateCandidates(ctx, ingest, generated.candidates, ctx.run.request.settings.evaluation, deps);
}
