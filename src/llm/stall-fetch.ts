/** The error a stalled reply ends with: retried like a dropped connection (retry.ts). */
export class StallError extends Error {
  readonly code = 'TF_MODEL_STALLED';
  constructor(readonly stallMs: number) {
    super(`the server stalled: no byte of its reply for ${Math.round(stallMs / 1000)} s`);
    this.name = 'StallError';
  }
}

type Fetch = typeof globalThis.fetch;

/**
 * A fetch for the provider SDKs that gives up a reply whose bytes stop coming: once the response has
 * started (status and headers in), every `stallMs` without a byte of the body aborts the request
 * with a StallError, which the adapters retry. The wait for the first byte stays bounded by the
 * request's timeout (a non-streaming server sends nothing while it generates). Listeners and timers
 * are removed when the body ends, fails or is cancelled.
 */
export function stallGuardedFetch(stallMs: number, base: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const outer = init?.signal ?? undefined;
    const forward = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) forward();
    outer?.addEventListener('abort', forward, { once: true });
    const release = (): void => outer?.removeEventListener('abort', forward);
    let res: Response;
    try {
      res = await base(input, { ...init, signal: controller.signal });
    } catch (err) {
      release();
      throw err;
    }
    if (!res.body) {
      release();
      return res;
    }
    const reader = res.body.getReader();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stalled: StallError | undefined;
    const done = (): void => {
      clearTimeout(timer);
      release();
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = new StallError(stallMs);
        controller.abort(stalled);
        void reader.cancel(stalled).catch(() => undefined);
      }, stallMs);
    };
    const body = new ReadableStream<Uint8Array>({
      start: arm,
      async pull(out) {
        try {
          const chunk = await reader.read();
          if (stalled) throw stalled;
          if (chunk.done) {
            done();
            out.close();
            return;
          }
          arm();
          out.enqueue(chunk.value);
        } catch (err) {
          done();
          out.error(stalled ?? err);
        }
      },
      cancel(reason) {
        done();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
