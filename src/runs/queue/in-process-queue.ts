import { DEFAULT_RETRY, type ConsumeOptions, type DeadLetter, type QueueCounts, type RetryPolicy, type RunJobHandler, type RunQueue } from './port.js';

interface Entry {
  runId: string;
  key: string | undefined;
  attempt: number;
}

/**
 * The queue port in one process: a FIFO in memory with bounded concurrency, retries with
 * exponential backoff and a dead-letter list. Nothing survives the process (the embedded default
 * keeps its queue in the run store instead, see run-service.ts); it serves several run services
 * of one process, and tests.
 */
export function createInProcessQueue(retry: Partial<RetryPolicy> = {}): RunQueue {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...retry };
  const waiting: Entry[] = [];
  const delayed = new Map<NodeJS.Timeout, Entry>();
  const keys = new Set<string>();
  const active = new Set<Promise<void>>();
  const dead: DeadLetter[] = [];
  let consumer: { handler: RunJobHandler; opts: ConsumeOptions } | undefined;
  let closed = false;

  function drain(): void {
    if (!consumer || closed) return;
    const { handler, opts } = consumer;
    while (active.size < opts.concurrency && waiting.length > 0) {
      const entry = waiting.shift() as Entry;
      const done: Promise<void> = Promise.resolve()
        .then(() => handler({ runId: entry.runId, attempt: entry.attempt }))
        .then(
          () => release(entry),
          (err: unknown) => failed(entry, err, opts),
        )
        .finally(() => {
          active.delete(done);
          drain();
        });
      active.add(done);
    }
  }

  function release(entry: Entry): void {
    if (entry.key !== undefined) keys.delete(entry.key);
  }

  async function failed(entry: Entry, err: unknown, opts: ConsumeOptions): Promise<void> {
    const error = err instanceof Error ? err.message : String(err);
    if (entry.attempt < policy.attempts && !closed) {
      const next = { ...entry, attempt: entry.attempt + 1 };
      const timer = setTimeout(() => {
        delayed.delete(timer);
        waiting.push(next);
        drain();
      }, policy.backoffMs * 2 ** (entry.attempt - 1));
      timer.unref();
      delayed.set(timer, next);
      return;
    }
    release(entry);
    const letter: DeadLetter = { runId: entry.runId, attempts: entry.attempt, error, failedAt: new Date().toISOString() };
    dead.unshift(letter);
    await opts.onDeadLetter?.(letter);
  }

  return {
    kind: 'in-process',
    async enqueue(runId, opts = {}) {
      if (closed) throw new Error('the queue is closed');
      if (opts.key !== undefined) {
        if (keys.has(opts.key)) return;
        keys.add(opts.key);
      }
      waiting.push({ runId, key: opts.key, attempt: 1 });
      drain();
    },
    async consume(handler, opts) {
      consumer = { handler, opts: { ...opts, concurrency: Math.max(1, opts.concurrency) } };
      drain();
    },
    async counts(): Promise<QueueCounts> {
      return { waiting: waiting.length, active: active.size, delayed: delayed.size, failed: dead.length };
    },
    async deadLetters(limit = 100) {
      return dead.slice(0, limit);
    },
    async close() {
      closed = true;
      for (const timer of delayed.keys()) clearTimeout(timer);
      delayed.clear();
      await Promise.all([...active]);
    },
  };
}
