import { TfError } from '../errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Bound on the sum of all waits; a wait that would pass it ends the retries. */
  maxTotalWaitMs: number;
  /** First backoff delay when the server gives no `retry-after`; doubles each retry. */
  baseDelayMs: number;
  /** Cap of one backoff delay (a server's `retry-after` may ask for more, within maxTotalWaitMs). */
  maxDelayMs: number;
  /** Bound on the whole call, attempts and waits together: no retry starts past it. */
  maxCallMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, maxTotalWaitMs: 120_000, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** What the adapter tells the retry loop about a failed attempt. */
export interface AttemptFailure {
  retryable: boolean;
  status?: number;
  /** Wait the server asked for (`retry-after-ms` / `retry-after`). */
  retryAfterMs?: number;
  message: string;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function abortError(): TfError {
  return new TfError('RUN_CANCELLED', 'model request cancelled');
}

/** Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(get: (name: string) => string | null | undefined, now: number = Date.now()): number | undefined {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = get('retry-after');
  if (ra == null || ra.trim() === '') return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** 429 (rate limit), 529 (overloaded), 408, 409 and any 5xx are worth another attempt. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

const DROPPED = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * A connection that dropped (refused, reset, closed mid-reply: undici's "terminated" / "other
 * side closed") or a reply that stalled (stall-fetch.ts) is worth another attempt, like a 5xx;
 * anything else the SDK throws is not.
 */
export function droppedConnection(err: unknown): AttemptFailure | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : '';
    if (code === 'TF_MODEL_STALLED') return { retryable: true, message };
    if ((typeof code === 'string' && DROPPED.has(code)) || /\b(terminated|other side closed|socket hang up|fetch failed)\b/i.test(message)) {
      return { retryable: true, message: `connection dropped: ${message || String(code)}` };
    }
  }
  return undefined;
}

/** An HTTP error from a provider SDK as a retry decision (429, 529, 5xx retried; retry-after honoured). */
export function httpFailure(status: unknown, headers: { get(name: string): string | null } | undefined, message: string): AttemptFailure {
  const code = typeof status === 'number' ? status : undefined;
  const retryAfterMs = headers ? parseRetryAfter((name) => headers.get(name)) : undefined;
  return {
    retryable: isRetryableStatus(code),
    ...(code !== undefined ? { status: code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    message,
  };
}

export function backoffDelay(retry: number, policy: RetryPolicy): number {
  return Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries / total wait run out; then throws
 * TfError LLM_FAILED with the attempts made as evidence. `classify` turns a thrown error into a failure.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  classify: (err: unknown) => AttemptFailure,
  opts: { policy: RetryPolicy; sleep: Sleep; signal?: AbortSignal; provider: string; onRetry?: (info: { retry: number; delayMs: number; failure: AttemptFailure }) => void },
): Promise<T> {
  const { policy } = opts;
  const started = Date.now();
  let waited = 0;
  const failures: Array<{ status?: number; message: string }> = [];
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof TfError) throw err;
      if (opts.signal?.aborted) throw abortError();
      const failure = classify(err);
      failures.push({ ...(failure.status !== undefined ? { status: failure.status } : {}), message: failure.message.slice(0, 300) });
      const delayMs = failure.retryAfterMs ?? backoffDelay(retry, policy);
      const outOfRetries = retry >= policy.maxRetries;
      const outOfTime = waited + delayMs > policy.maxTotalWaitMs;
      const outOfCall = policy.maxCallMs !== undefined && Date.now() - started + delayMs >= policy.maxCallMs;
      if (!failure.retryable || outOfRetries || outOfTime || outOfCall) {
        const why = !failure.retryable ? 'not retryable'
          : outOfRetries ? `gave up after ${retry + 1} attempts`
          : outOfTime ? `next wait of ${delayMs} ms would pass the ${policy.maxTotalWaitMs} ms bound`
          : `the call's bound of ${policy.maxCallMs} ms is spent after ${retry + 1} attempts`;
        throw new TfError('LLM_FAILED', `${opts.provider} request failed (${failure.status ?? 'no status'}): ${why}`, {
          details: { provider: opts.provider, attempts: retry + 1, waitedMs: waited, status: failure.status, failures },
          hint: failure.status === 401 || failure.status === 403 ? 'check the API key in the environment' : 'the provider is unavailable or rate limited; try again later',
          cause: err,
        });
      }
      opts.onRetry?.({ retry: retry + 1, delayMs, failure });
      await opts.sleep(delayMs, opts.signal);
      waited += delayMs;
    }
  }
}
