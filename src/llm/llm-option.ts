import { TfError } from '../errors.js';

export type LlmProvider = 'anthropic' | 'openai' | 'replay';

/** The model an Anthropic run uses when neither TFACTORY_MODEL nor the repo config nor `--llm` names one. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
/** Where an OpenAI-compatible model is reached when OPENAI_BASE_URL is not set (Ollama's default). */
export const DEFAULT_OPENAI_BASE_URL = 'http://localhost:11434/v1';

/** A model choice as `--llm` writes it. */
export interface LlmOption {
  provider: LlmProvider;
  model?: string;
  /** Replay: path of the transcript JSON. */
  transcript?: string;
}

/**
 * Parses the CLI / env form: `anthropic`, `anthropic:<model>`, `openai`, `openai:<model>`, `replay:<file>`.
 */
export function parseLlmOption(value: string): LlmOption {
  const text = value.trim();
  const colon = text.indexOf(':');
  const head = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (head === 'replay') {
    if (!rest) throw usageError(value, 'replay needs a transcript: replay:<file>');
    return { provider: 'replay', transcript: rest };
  }
  if (head === 'anthropic' || head === 'openai') return { provider: head, ...(rest ? { model: rest } : {}) };
  throw usageError(value, 'expected anthropic, openai or replay:<file>');
}

function usageError(value: string, why: string): TfError {
  return new TfError('USAGE', `invalid --llm value '${value}': ${why}`, { details: { value } });
}
