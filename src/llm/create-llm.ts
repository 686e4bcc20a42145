import { TfError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JsonMode } from './json-mode.js';
import type { LlmPort } from './port.js';
import { loadPrompt } from './prompts.js';
import { createReplayLlm } from './replay/replay-llm.js';
import type { RetryPolicy, Sleep } from './retry.js';

export type LlmProvider = 'anthropic' | 'openai' | 'replay';

export interface LlmConfig {
  provider: LlmProvider;
  model?: string;
  /** Replay: path of the transcript JSON. */
  transcript?: string;
  /** OpenAI-compatible server, e.g. http://localhost:11434/v1; or an Anthropic-compatible proxy. */
  baseUrl?: string;
  /** Name of the env variable holding the API key (default ANTHROPIC_API_KEY / OPENAI_API_KEY). */
  apiKeyEnv?: string;
  timeoutMs?: number;
  maxTokens?: number;
  jsonMode?: JsonMode;
  retry?: Partial<RetryPolicy>;
}

export type Env = Record<string, string | undefined>;

export const DEFAULT_OPENAI_BASE_URL = 'http://localhost:11434/v1';

/**
 * Parses the CLI / env form: `anthropic`, `anthropic:<model>`, `openai`, `openai:<model>`, `replay:<file>`.
 */
export function parseLlmOption(value: string): LlmConfig {
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

/**
 * The port for a run. Provider and model come from the config (repo config or CLI), then env
 * (`TFACTORY_LLM_MODEL`, `TFACTORY_LLM_BASE_URL`). The API key is read from env here, once, and only
 * handed to the SDK: it is never logged nor kept elsewhere. Adapters are loaded lazily, so a run
 * loads only the SDK of its provider.
 */
export async function createLlm(config: LlmConfig, env: Env, deps: { log?: Logger; sleep?: Sleep; promptRoot?: string } = {}): Promise<LlmPort> {
  const repairPrompt = (): string => loadPrompt('repair', ...(deps.promptRoot ? [deps.promptRoot] : [])).text;
  const model = config.model ?? nonEmpty(env.TFACTORY_LLM_MODEL);
  const baseUrl = config.baseUrl ?? nonEmpty(env.TFACTORY_LLM_BASE_URL);
  const common = {
    repairPrompt: repairPrompt(),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  };
  switch (config.provider) {
    case 'anthropic': {
      const keyEnv = config.apiKeyEnv ?? 'ANTHROPIC_API_KEY';
      const apiKey = nonEmpty(env[keyEnv]);
      if (!apiKey) throw new TfError('CONFIG_INVALID', `no Anthropic API key in ${keyEnv}`, { details: { apiKeyEnv: keyEnv }, hint: `set ${keyEnv}, or use --llm replay:<file>` });
      const { createAnthropicLlm, DEFAULT_ANTHROPIC_MODEL } = await import('./anthropic/anthropic-llm.js');
      return createAnthropicLlm({ ...common, apiKey, model: model ?? DEFAULT_ANTHROPIC_MODEL, ...(baseUrl ? { baseUrl } : {}) });
    }
    case 'openai': {
      if (!model) throw new TfError('CONFIG_INVALID', 'the openai provider needs a model', { hint: 'use --llm openai:<model> or set TFACTORY_LLM_MODEL' });
      const apiKey = nonEmpty(env[config.apiKeyEnv ?? 'OPENAI_API_KEY']);
      const { createOpenAiLlm } = await import('./openai/openai-llm.js');
      return createOpenAiLlm({
        ...common,
        model,
        baseUrl: baseUrl ?? nonEmpty(env.OPENAI_BASE_URL) ?? DEFAULT_OPENAI_BASE_URL,
        ...(apiKey ? { apiKey } : {}),
        ...(config.jsonMode ? { jsonMode: config.jsonMode } : {}),
      });
    }
    case 'replay': {
      if (!config.transcript) throw new TfError('CONFIG_INVALID', 'the replay provider needs a transcript file', { hint: 'use --llm replay:<file>' });
      return createReplayLlm(config.transcript);
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

function usageError(value: string, why: string): TfError {
  return new TfError('USAGE', `invalid --llm value '${value}': ${why}`, { details: { value } });
}
