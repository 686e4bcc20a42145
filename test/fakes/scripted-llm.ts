import { TfError } from '../../src/errors.js';
import type { LlmPort, LlmRequest, LlmResponse, LlmUsage } from '../../src/llm/port.js';

/** A scripted reply: a value, or a function of the request (which may throw to script a failure). */
export type ScriptStep = unknown | ((req: LlmRequest<unknown>, index: number) => unknown);

export interface ScriptedLlm extends LlmPort {
  /** Every request received, in order. */
  readonly requests: Array<LlmRequest<unknown>>;
  /** Steps not yet consumed (queue mode). */
  remaining(): number;
}

export interface ScriptedOptions {
  model?: string;
  /** Usage reported per call (default: 1 call, chars/4 input tokens, 50 output tokens, no cost). */
  usage?: (req: LlmRequest<unknown>) => LlmUsage;
}

/**
 * A fake model for tests: replies from a queue of steps (or one function for every request), and
 * checks each value against the request's schema as a real adapter would.
 */
export function createScriptedLlm(script: ScriptStep[] | ((req: LlmRequest<unknown>, index: number) => unknown), opts: ScriptedOptions = {}): ScriptedLlm {
  const requests: Array<LlmRequest<unknown>> = [];
  const queue = Array.isArray(script) ? [...script] : undefined;
  const usageOf = opts.usage ?? defaultUsage;
  return {
    provider: 'scripted',
    model: opts.model ?? 'scripted',
    requests,
    remaining: () => queue?.length ?? Infinity,
    async complete<T>(req: LlmRequest<T>): Promise<LlmResponse<T>> {
      const index = requests.length;
      requests.push(req as LlmRequest<unknown>);
      let step: ScriptStep;
      if (queue) {
        if (queue.length === 0) throw new Error(`scripted LLM: no reply left for request #${index + 1} (${req.purpose})`);
        step = queue.shift();
      } else {
        step = script;
      }
      const raw = typeof step === 'function' ? (step as (r: LlmRequest<unknown>, i: number) => unknown)(req as LlmRequest<unknown>, index) : step;
      const parsed = req.schema.safeParse(raw);
      if (!parsed.success) {
        throw new TfError('LLM_INVALID_OUTPUT', `scripted reply #${index + 1} does not fit ${req.schemaName}`, { details: { issues: parsed.error.issues, usage: usageOf(req as LlmRequest<unknown>) } });
      }
      return { value: parsed.data, usage: usageOf(req as LlmRequest<unknown>), model: opts.model ?? 'scripted' };
    },
  };
}

function defaultUsage(req: LlmRequest<unknown>): LlmUsage {
  const chars = req.system.length + req.sharedContext.reduce((n, s) => n + s.length, 0) + req.prompt.length;
  return { calls: 1, inputTokens: Math.ceil(chars / 4), outputTokens: 50, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 };
}
