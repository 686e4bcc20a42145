import { isTfError, TfError } from '../errors.js';
import { addUsage, ZERO_USAGE, type LlmPort, type LlmRequest, type LlmResponse, type LlmUsage } from './port.js';

export interface BudgetLimits {
  maxCalls?: number;
  /** Input (incl. cache write/read) plus output tokens. */
  maxTokens?: number;
  maxCostUsd?: number;
}

/** The model budget of one run, shared by every stage that calls the model. */
export interface LlmBudget {
  readonly limits: BudgetLimits;
  spent(): LlmUsage;
  charge(usage: LlmUsage): void;
  /** Why no further call may be made, or undefined while within the limits. */
  exhaustedReason(): string | undefined;
}

export function totalTokens(u: LlmUsage): number {
  return u.inputTokens + u.outputTokens + u.cacheWriteTokens + u.cacheReadTokens;
}

export function createBudget(limits: BudgetLimits = {}): LlmBudget {
  let spent: LlmUsage = ZERO_USAGE;
  return {
    limits,
    spent: () => spent,
    charge(usage) {
      spent = addUsage(spent, usage);
    },
    exhaustedReason() {
      if (limits.maxCalls !== undefined && spent.calls >= limits.maxCalls) return `model budget exhausted: ${spent.calls} of ${limits.maxCalls} calls used`;
      if (limits.maxTokens !== undefined && totalTokens(spent) >= limits.maxTokens) return `model budget exhausted: ${totalTokens(spent)} of ${limits.maxTokens} tokens used`;
      if (limits.maxCostUsd !== undefined && spent.costUsd >= limits.maxCostUsd) return `model budget exhausted: $${spent.costUsd.toFixed(4)} of $${limits.maxCostUsd} spent`;
      return undefined;
    },
  };
}

const BUDGET = Symbol('tfactory.budget');
type BudgetedPort = LlmPort & { [BUDGET]?: LlmBudget };

/**
 * A port that refuses calls once the budget is spent (TfError LLM_BUDGET_EXCEEDED) and charges each
 * call's usage, including that of a call whose output failed validation. Wrapping twice with the same
 * budget returns the port as is, so stages may all wrap what they are given.
 */
export function withBudget(port: LlmPort, budget: LlmBudget): LlmPort {
  if ((port as BudgetedPort)[BUDGET] === budget) return port;
  const wrapped: BudgetedPort = {
    provider: port.provider,
    model: port.model,
    [BUDGET]: budget,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const reason = budget.exhaustedReason();
      if (reason) throw new TfError('LLM_BUDGET_EXCEEDED', reason, { details: { purpose: req.purpose, limits: budget.limits, spent: budget.spent() } });
      try {
        const res = await port.complete(req, signal);
        budget.charge(res.usage);
        return res;
      } catch (err) {
        if (isTfError(err, 'LLM_INVALID_OUTPUT') && isUsage(err.details.usage)) budget.charge(err.details.usage);
        throw err;
      }
    },
  };
  return wrapped;
}

/** Whether a value (e.g. an error's `details.usage`) is an LlmUsage. */
export function isUsage(value: unknown): value is LlmUsage {
  return typeof value === 'object' && value !== null && typeof (value as LlmUsage).calls === 'number' && typeof (value as LlmUsage).costUsd === 'number';
}
