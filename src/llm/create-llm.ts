import { TfError } from '../errors.js';
import { DEFAULT_OPENAI_BASE_URL, type LlmProvider } from './llm-option.js';
import type { Logger } from '../logger.js';
import type { JsonMode } from './json-mode.js';
import type { LlmPort } from './port.js';
import { loadPrompt } from './prompts.js';
import { createReplayLlm } from './replay/replay-llm.js';
import type { RetryPolicy, Sleep } from './retry.js';

export type { LlmProvider };

export interface LlmConfig {
  provider: LlmProvider;
  model?: string;
  /** Replay: path of the transcript JSON. */
  transcript?: string;
  /** OpenAI-compatible server, e.g. http://localhost:11434/v1 (default DEFAULT_OPENAI_BASE_URL). */
  baseUrl?: string;
  /** Name of the env variable holding the API key (default ANTHROPIC_API_KEY / OPENAI_API_KEY). */
  apiKeyEnv?: string;
  timeoutMs?: number;
  /** No byte of a started reply for this long: the attempt is given up and retried. */
  stallMs?: number;
  maxTokens?: number;
  jsonMode?: JsonMode;
  retry?: Partial<RetryPolicy>;
}

export type Env = Record<string, string | undefined>;

/**
 * The port for a run. Provider, model and endpoint come from the config (a run's resolved settings,
 * see config/run-settings.ts); only the API key is read from env, here, once, and only handed to the
 * SDK: it is never logged nor kept elsewhere. Adapters are loaded lazily, so a run loads only the
 * SDK of its provider.
 */
export async function createLlm(config: LlmConfig, env: Env, deps: { log?: Logger; sleep?: Sleep; promptRoot?: string } = {}): Promise<LlmPort> {
  const repairPrompt = (): string => loadPrompt('repair', ...(deps.promptRoot ? [deps.promptRoot] : [])).text;
  const { model, baseUrl } = config;
  const common = {
    repairPrompt: repairPrompt(),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.stallMs !== undefined ? { stallMs: config.stallMs } : {}),
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
      const { createAnthropicLlm } = await import('./anthropic/anthropic-llm.js');
      return createAnthropicLlm({ ...common, apiKey, ...(model ? { model } : {}), ...(baseUrl ? { baseUrl } : {}) });
    }
    case 'openai': {
      if (!model) throw new TfError('CONFIG_INVALID', 'the openai provider needs a model', { hint: 'use --llm openai:<model> or set TFACTORY_MODEL' });
      const apiKey = nonEmpty(env[config.apiKeyEnv ?? 'OPENAI_API_KEY']);
      const { createOpenAiLlm } = await import('./openai/openai-llm.js');
      return createOpenAiLlm({
        ...common,
        model,
        baseUrl: baseUrl ?? DEFAULT_OPENAI_BASE_URL,
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
