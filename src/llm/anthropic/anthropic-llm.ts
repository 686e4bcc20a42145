import Anthropic from '@anthropic-ai/sdk';
import { completeWithOneRepair, buildRepairText, type Turn } from '../one-repair.js';
import type { LlmPort, LlmRequest, LlmResponse } from '../port.js';
import { priceUsage } from '../pricing.js';
import { DEFAULT_RETRY_POLICY, droppedConnection, httpFailure, realSleep, withRetries, type AttemptFailure, type RetryPolicy } from '../retry.js';
import { parseJsonOutput, toJsonSchema, validateOutput } from '../structured-output.js';
import type { AdapterOptions } from '../adapter-options.js';
import { stallGuardedFetch } from '../stall-fetch.js';
import { DEFAULT_ANTHROPIC_MODEL } from '../llm-option.js';
import { buildMessagesParams, buildRepairParams, toolName } from './build-request.js';


export interface AnthropicLlmOptions extends AdapterOptions {
  /** Read from the environment by the caller; never logged. */
  apiKey: string;
  model?: string;
  baseUrl?: string;
}

/** The Anthropic adapter: forced-tool structured output, prompt caching, own bounded retries, usage and cost. */
export function createAnthropicLlm(opts: AnthropicLlmOptions): LlmPort {
  const model = opts.model ?? DEFAULT_ANTHROPIC_MODEL;
  // The SDK's own retries are off: ours honour retry-after, have a bound on total wait and can be tested.
  const client = new Anthropic({
    apiKey: opts.apiKey,
    maxRetries: 0,
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    ...(opts.stallMs !== undefined ? { fetch: stallGuardedFetch(opts.stallMs) } : {}),
  });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const sleep = opts.sleep ?? realSleep;
  const timeout = opts.timeoutMs ?? 180_000;

  async function send(params: Anthropic.Messages.MessageCreateParamsNonStreaming, purpose: string, signal?: AbortSignal): Promise<Anthropic.Messages.Message> {
    return withRetries(() => client.messages.create(params, { timeout, ...(signal ? { signal } : {}) }), classifyAnthropicError, {
      policy,
      sleep,
      provider: 'anthropic',
      ...(signal ? { signal } : {}),
      onRetry: ({ retry, delayMs, failure }) => opts.log?.warn({ purpose, retry, delayMs, status: failure.status }, 'model request retried'),
    });
  }

  function toTurn<T>(message: Anthropic.Messages.Message, req: LlmRequest<T>): Turn<T> {
    const u = message.usage;
    const priced = priceUsage(model, {
      inputTokens: u.input_tokens,
      outputTokens: u.output_tokens,
      cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
      cacheReadTokens: u.cache_read_input_tokens ?? 0,
    });
    const tool = message.content.find((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use' && b.name === toolName(req.schemaName));
    const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
    const outcome = tool ? validateOutput(tool.input, req.schema) : parseJsonOutput(text, req.schema);
    const truncated = message.stop_reason === 'max_tokens' && !outcome.ok
      ? { ok: false as const, error: `${outcome.error}\n- the reply was cut at max_tokens: be more concise` }
      : outcome;
    return { outcome: truncated, usage: priced.usage, notes: priced.note ? [priced.note] : [], raw: tool ? JSON.stringify(tool.input) : text };
  }

  return {
    provider: 'anthropic',
    model,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const params = buildMessagesParams(req, { model, maxTokens: opts.maxTokens ?? 8192, ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}) });
      let firstReply: Anthropic.Messages.Message | undefined;
      return completeWithOneRepair(
        req,
        { provider: 'anthropic', model },
        async () => {
          firstReply = await send(params, req.purpose, signal);
          return toTurn(firstReply, req);
        },
        async (error) => {
          opts.log?.info({ purpose: req.purpose, schema: req.schemaName }, 'model output invalid, asking for a repair');
          const repairText = buildRepairText(opts.repairPrompt, error, req.schemaName, JSON.stringify(toJsonSchema(req.schema)));
          return toTurn(await send(buildRepairParams(params, firstReply as Anthropic.Messages.Message, repairText), req.purpose, signal), req);
        },
      );
    },
  };
}

/** SDK errors → retry decisions: 429, 529, 5xx and connection problems are retried, honouring retry-after. */
export function classifyAnthropicError(err: unknown): AttemptFailure {
  if (err instanceof Anthropic.APIUserAbortError) return { retryable: false, message: 'aborted' };
  if (err instanceof Anthropic.APIError) return httpFailure(err.status, err.headers, err.message);
  return droppedConnection(err) ?? { retryable: false, message: err instanceof Error ? err.message : String(err) };
}
