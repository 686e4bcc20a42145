import OpenAI from 'openai';
import type { JsonMode } from '../json-mode.js';
import { completeWithOneRepair, buildRepairText, type Turn } from '../one-repair.js';
import type { LlmPort, LlmRequest, LlmResponse } from '../port.js';
import { priceUsage } from '../pricing.js';
import { DEFAULT_RETRY_POLICY, droppedConnection, httpFailure, realSleep, withRetries, type AttemptFailure, type RetryPolicy } from '../retry.js';
import { parseJsonOutput, toJsonSchema } from '../structured-output.js';
import type { AdapterOptions } from '../adapter-options.js';
import { stallGuardedFetch } from '../stall-fetch.js';

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export type { JsonMode };

export interface OpenAiLlmOptions extends AdapterOptions {
  model: string;
  /** e.g. http://localhost:11434/v1 (Ollama) or http://localhost:8000/v1 (vLLM). */
  baseUrl?: string;
  /** Local servers usually need none; read from the environment by the caller, never logged. */
  apiKey?: string;
  jsonMode?: JsonMode;
}

/** The OpenAI-compatible adapter, for local models behind an OpenAI-style chat completions API. */
export function createOpenAiLlm(opts: OpenAiLlmOptions): LlmPort {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? 'not-needed',
    maxRetries: 0,
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    ...(opts.stallMs !== undefined ? { fetch: stallGuardedFetch(opts.stallMs) } : {}),
  });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const sleep = opts.sleep ?? realSleep;
  const timeout = opts.timeoutMs ?? 300_000;
  const jsonMode = opts.jsonMode ?? 'json_schema';

  async function send(params: ChatParams, signal?: AbortSignal): Promise<OpenAI.Chat.Completions.ChatCompletion> {
    return withRetries(() => client.chat.completions.create(params, { timeout, ...(signal ? { signal } : {}) }), classifyOpenAiError, {
      policy,
      sleep,
      provider: 'openai',
      ...(signal ? { signal } : {}),
      onRetry: ({ retry, delayMs, failure }) => opts.log?.warn({ retry, delayMs, status: failure.status }, 'model request retried'),
    });
  }

  function toTurn<T>(completion: OpenAI.Chat.Completions.ChatCompletion, req: LlmRequest<T>): Turn<T> & { text: string } {
    const text = completion.choices[0]?.message.content ?? '';
    const u = completion.usage;
    const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
    const priced = priceUsage(opts.model, {
      inputTokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached),
      outputTokens: u?.completion_tokens ?? 0,
      cacheWriteTokens: 0,
      cacheReadTokens: cached,
    });
    return { outcome: parseJsonOutput(text, req.schema), usage: priced.usage, notes: priced.note ? [priced.note] : [], raw: text, text };
  }

  return {
    provider: 'openai',
    model: opts.model,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const messages = buildChatMessages(req, jsonMode);
      const temperature = req.temperature ?? opts.temperature;
      const base: ChatParams = {
        model: opts.model,
        messages,
        max_tokens: req.maxTokens ?? opts.maxTokens ?? 8192,
        ...(temperature !== undefined ? { temperature } : {}),
        ...responseFormat(req, jsonMode),
      };
      let firstText = '';
      return completeWithOneRepair(
        req,
        { provider: 'openai', model: opts.model },
        async () => {
          const turn = toTurn(await send(base, signal), req);
          firstText = turn.text;
          return turn;
        },
        async (error) => {
          opts.log?.info({ purpose: req.purpose, schema: req.schemaName }, 'model output invalid, asking for a repair');
          const repair: ChatMessage[] = [
            { role: 'assistant', content: firstText },
            { role: 'user', content: buildRepairText(opts.repairPrompt, error, req.schemaName, JSON.stringify(toJsonSchema(req.schema))) },
          ];
          return toTurn(await send({ ...base, messages: [...messages, ...repair] }, signal), req);
        },
      );
    },
  };
}

/**
 * System prompt first, then the shared blocks and the prompt in one user message (servers with
 * prefix caching reuse it). The JSON Schema is stated at the end of the prompt whatever the mode: a
 * server that ignores `response_format` still knows what to answer.
 */
export function buildChatMessages<T>(req: LlmRequest<T>, _jsonMode: JsonMode): ChatMessage[] {
  const schemaNote = `\n\nReply with one JSON object only (no prose, no code fence) that validates against this JSON Schema (${req.schemaName}):\n${JSON.stringify(toJsonSchema(req.schema))}`;
  return [
    { role: 'system', content: req.system },
    { role: 'user', content: [...req.sharedContext, req.prompt + schemaNote].join('\n\n') },
  ];
}

function responseFormat<T>(req: LlmRequest<T>, mode: JsonMode): Pick<ChatParams, 'response_format'> | Record<string, never> {
  if (mode === 'json_object') return { response_format: { type: 'json_object' } };
  if (mode === 'json_schema') {
    const name = req.schemaName.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
    return { response_format: { type: 'json_schema', json_schema: { name, schema: toJsonSchema(req.schema), strict: false } } };
  }
  return {};
}

export function classifyOpenAiError(err: unknown): AttemptFailure {
  if (err instanceof OpenAI.APIUserAbortError) return { retryable: false, message: 'aborted' };
  if (err instanceof OpenAI.APIError) return httpFailure(err.status, err.headers, err.message);
  return droppedConnection(err) ?? { retryable: false, message: err instanceof Error ? err.message : String(err) };
}
