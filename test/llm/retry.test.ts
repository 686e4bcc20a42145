import { describe, expect, it } from 'vitest';
import { isTfError, TfError } from '../../src/errors.js';
import { backoffDelay, httpFailure, isRetryableStatus, parseRetryAfter, realSleep, withRetries, type AttemptFailure, type RetryPolicy } from '../../src/llm/retry.js';

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), Date.parse('2025-01-01T00:00:00Z'))).toBe(30_000);
  });

  it('never waits a negative time, and ignores what it cannot read', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:00 GMT' }), Date.parse('2025-01-02T00:00:00Z'))).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after': '-3' }))).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after-ms': 'soon', 'retry-after': '1' }))).toBe(1000);
    expect(parseRetryAfter(headers({ 'retry-after': 'later' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '  ' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries rate limits, overload, timeouts, conflicts, server errors and network failures (no status)', () => {
    for (const s of [undefined, 408, 409, 429, 500, 503, 529]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 422]) expect(isRetryableStatus(s), String(s)).toBe(false);
  });
});

describe('httpFailure', () => {
  it('reads status and retry-after from an SDK error', () => {
    const h = new Headers({ 'retry-after': '3' });
    expect(httpFailure(429, h, 'slow down')).toEqual({ retryable: true, status: 429, retryAfterMs: 3000, message: 'slow down' });
    expect(httpFailure(401, undefined, 'bad key')).toEqual({ retryable: false, status: 401, message: 'bad key' });
    expect(httpFailure('n/a', undefined, 'socket hang up')).toEqual({ retryable: true, message: 'socket hang up' });
  });
});

describe('backoffDelay', () => {
  it('doubles from the base delay up to the cap', () => {
    const policy: RetryPolicy = { maxRetries: 9, maxTotalWaitMs: 1e9, baseDelayMs: 100, maxDelayMs: 700 };
    expect([0, 1, 2, 3, 4].map((r) => backoffDelay(r, policy))).toEqual([100, 200, 400, 700, 700]);
  });
});

describe('withRetries', () => {
  const policy: RetryPolicy = { maxRetries: 3, maxTotalWaitMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000 };
  const failure = (over: Partial<AttemptFailure> = {}): AttemptFailure => ({ retryable: true, status: 529, message: 'overloaded', ...over });

  function flaky(failures: number) {
    let calls = 0;
    return {
      attempt: async () => {
        calls += 1;
        if (calls <= failures) throw new Error(`attempt ${calls} failed`);
        return `ok after ${calls}`;
      },
      calls: () => calls,
    };
  }

  it('retries with backoff (or the server\'s wait) until an attempt succeeds', async () => {
    const waits: number[] = [];
    const retries: number[] = [];
    const f = flaky(3);
    const classify = (err: unknown) => failure((err as Error).message === 'attempt 2 failed' ? { retryAfterMs: 50 } : {});
    const value = await withRetries(f.attempt, classify, { policy, sleep: async (ms) => void waits.push(ms), provider: 'anthropic', onRetry: (i) => retries.push(i.retry) });
    expect(value).toBe('ok after 4');
    expect(waits).toEqual([100, 50, 400]);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('gives up after maxRetries with the attempts as evidence', async () => {
    const f = flaky(99);
    const err = await withRetries(f.attempt, () => failure(), { policy, sleep: async () => {}, provider: 'anthropic' }).catch((e: unknown) => e);
    expect(f.calls()).toBe(4);
    expect(isTfError(err, 'LLM_FAILED')).toBe(true);
    const tf = err as TfError;
    expect(tf.message).toBe('anthropic request failed (529): gave up after 4 attempts');
    expect(tf.details).toMatchObject({ provider: 'anthropic', attempts: 4, waitedMs: 700, status: 529 });
    expect(tf.details.failures).toHaveLength(4);
    expect(tf.hint).toBe('the provider is unavailable or rate limited; try again later');
  });

  it('does not retry a failure that is not retryable, and points at the key on 401/403', async () => {
    const f = flaky(99);
    const err = (await withRetries(f.attempt, () => failure({ retryable: false, status: 401 }), { policy, sleep: async () => {}, provider: 'openai' }).catch((e: unknown) => e)) as TfError;
    expect(f.calls()).toBe(1);
    expect(err.message).toBe('openai request failed (401): not retryable');
    expect(err.hint).toBe('check the API key in the environment');
  });

  it('stops before a wait that would pass the total bound', async () => {
    const f = flaky(99);
    const waits: number[] = [];
    const err = (await withRetries(f.attempt, () => failure({ retryAfterMs: 6_000 }), { policy, sleep: async (ms) => void waits.push(ms), provider: 'p' }).catch((e: unknown) => e)) as TfError;
    expect(waits).toEqual([6_000]);
    expect(err.message).toBe('p request failed (529): next wait of 6000 ms would pass the 10000 ms bound');
  });

  it('lets our own typed errors through untouched', async () => {
    const own = new TfError('LLM_INVALID_OUTPUT', 'bad output');
    let classified = 0;
    await expect(withRetries(() => Promise.reject(own), () => (classified++, failure()), { policy, sleep: async () => {}, provider: 'p' })).rejects.toBe(own);
    expect(classified).toBe(0);
  });

  it('turns a failure after cancellation into RUN_CANCELLED', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await withRetries(() => Promise.reject(new Error('aborted')), () => failure(), { policy, sleep: async () => {}, provider: 'p', signal: controller.signal }).catch((e: unknown) => e);
    expect(isTfError(err, 'RUN_CANCELLED')).toBe(true);
  });
});

describe('realSleep', () => {
  it('waits, and rejects with RUN_CANCELLED when aborted before or during the wait', async () => {
    await expect(realSleep(1)).resolves.toBeUndefined();
    const pre = new AbortController();
    pre.abort();
    expect(isTfError(await realSleep(10_000, pre.signal).catch((e: unknown) => e), 'RUN_CANCELLED')).toBe(true);
    const during = new AbortController();
    const pending = realSleep(10_000, during.signal).catch((e: unknown) => e);
    during.abort();
    expect(isTfError(await pending, 'RUN_CANCELLED')).toBe(true);
  });
});

describe('withRetries: the bound on a whole call', () => {
  it('starts no retry past maxCallMs, whatever retries are left', async () => {
    let attempts = 0;
    const { withRetries } = await import('../../src/llm/retry.js');
    const err = await withRetries(async () => {
      attempts++;
      await new Promise((r) => setTimeout(r, 30));
      throw new Error('503');
    }, () => ({ retryable: true, status: 503, message: 'overloaded' }), {
      policy: { maxRetries: 10, maxTotalWaitMs: 60_000, baseDelayMs: 1, maxDelayMs: 1, maxCallMs: 100 },
      sleep: async () => {},
      provider: 'test',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLM_FAILED' });
    expect((err as Error).message).toMatch(/the call's bound of 100 ms is spent after \d attempts/);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(5);
  });
});
