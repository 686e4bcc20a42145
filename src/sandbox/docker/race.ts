/** How a wait ended: the process finished, the hard timeout hit, or the caller aborted. */
export type WaitOutcome<T> = { kind: 'done'; value: T } | { kind: 'timeout' } | { kind: 'cancelled' };

/** Waits for `work` but stops waiting at `timeoutMs` or when `signal` aborts. */
export function raceEnd<T>(work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome<T>> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return resolve({ kind: 'cancelled' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    const onAbort = (): void => finish({ kind: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function finish(o: WaitOutcome<T>): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(o);
    }
    work.then(
      (value) => finish({ kind: 'done', value }),
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Resolves when `p` settles or after `ms`, whichever first; never rejects. */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
  const done = p.then(() => true, () => true);
  const out = await Promise.race([done, t]);
  clearTimeout(timer);
  return out;
}

export function streamEnded(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}
