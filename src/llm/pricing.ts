import type { LlmUsage } from './port.js';

/** USD per million tokens. Cache writes cost `cacheWriteFactor` x input, cache reads `cacheReadFactor` x input. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWriteFactor: number;
  cacheReadFactor: number;
}

const ANTHROPIC_CACHE = { cacheWriteFactor: 1.25, cacheReadFactor: 0.1 };

/**
 * Prices by model-name prefix (longest prefix wins), so dated ids such as
 * `claude-sonnet-4-5-20250929` find their family. Update when Anthropic's price list changes.
 */
export const PRICE_TABLE: Record<string, ModelPrice> = {
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75, ...ANTHROPIC_CACHE },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25, ...ANTHROPIC_CACHE },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75, ...ANTHROPIC_CACHE },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15, ...ANTHROPIC_CACHE },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15, ...ANTHROPIC_CACHE },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15, ...ANTHROPIC_CACHE },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, ...ANTHROPIC_CACHE },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4, ...ANTHROPIC_CACHE },
  'claude-3-haiku': { inputPerMTok: 0.25, outputPerMTok: 1.25, ...ANTHROPIC_CACHE },
};

/** Token counts of one model response (before cost). */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export function findModelPrice(model: string, table: Record<string, ModelPrice> = PRICE_TABLE): ModelPrice | undefined {
  const key = Object.keys(table)
    .filter((prefix) => model === prefix || model.startsWith(`${prefix}-`) || model.startsWith(`${prefix}@`))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : table[key];
}

/** One call's usage with its cost; an unknown model costs 0 and says so in `note`. */
export function priceUsage(
  model: string,
  tokens: TokenCounts,
  table: Record<string, ModelPrice> = PRICE_TABLE,
): { usage: LlmUsage; note?: string } {
  const price = findModelPrice(model, table);
  const base = { calls: 1, ...tokens };
  if (!price) return { usage: { ...base, costUsd: 0 }, note: `no price known for model ${model}: its cost is counted as 0` };
  const perTok = price.inputPerMTok / 1_000_000;
  const costUsd =
    tokens.inputTokens * perTok +
    tokens.cacheWriteTokens * perTok * price.cacheWriteFactor +
    tokens.cacheReadTokens * perTok * price.cacheReadFactor +
    (tokens.outputTokens * price.outputPerMTok) / 1_000_000;
  return { usage: { ...base, costUsd } };
}
