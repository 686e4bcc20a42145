import type { z } from 'zod';

export type LlmPurpose = 'plan' | 'generate' | 'judge' | 'repair';

export interface LlmRequest<T> {
  purpose: LlmPurpose;
  /** System prompt text (from prompts/, with its version recorded). */
  system: string;
  /**
   * Blocks shared by many requests of a run (spec, diff, API surface), sent first and marked
   * cacheable, in this order. Everything request-specific goes in `prompt`.
   */
  sharedContext: string[];
  prompt: string;
  /** The output must parse as JSON and validate against this schema. */
  schema: z.ZodType<T>;
  /** Name of the output (used for tool / schema naming). */
  schemaName: string;
  maxTokens?: number;
  temperature?: number;
}

export interface LlmUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

export const ZERO_USAGE: LlmUsage = { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 };

export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    calls: a.calls + b.calls,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}

export interface LlmResponse<T> {
  value: T;
  /** Usage of this request, repairs and retries included. */
  usage: LlmUsage;
  model: string;
  /** Things a reader of the report should know (e.g. "no price for model X: cost counted as 0"). */
  notes?: string[];
}

/** The port every stage sees. Adapters: anthropic, openai-compatible, replay. */
export interface LlmPort {
  readonly provider: 'anthropic' | 'openai' | 'replay' | 'scripted';
  readonly model: string;
  complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>>;
}
