import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_RETRY, type DeadLetter, type RetryPolicy, type RunQueue } from './port.js';

export interface BullmqQueueOptions {
  /** `redis://host:6379` (REDIS_URL). Never logged. */
  url: string;
  /** Queue name (default `tfactory-runs`); tests use their own. */
  name?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * How long a worker's hold on a job lasts without renewal (BullMQ renews it at half); a job
   * whose worker died is handed to another after it (stalled-job recovery). Default 30 s.
   */
  lockMs?: number;
}

interface JobData {
  runId: string;
}

function connect(url: string): Redis {
  // BullMQ's workers block on Redis: they need requests that never give up on their own.
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
  redis.on('error', () => undefined); // reconnects on its own; the commands that fail say why
  return redis;
}

/**
 * The queue port on BullMQ (Redis): jobs survive any process, workers on any number of machines
 * take them (`tfactory worker`), a job whose worker died is recovered when its lock lapses
 * (stalled-job recovery), a failed attempt is retried with exponential backoff, and a job whose
 * attempts all failed stays in BullMQ's failed set (the dead letters).
 */
export function createBullmqQueue(opts: BullmqQueueOptions): RunQueue {
  const name = opts.name ?? 'tfactory-runs';
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const lockMs = opts.lockMs ?? 30_000;
  const connection = connect(opts.url);
  const queue = new Queue<JobData>(name, { connection });
  queue.on('error', () => undefined);
  let worker: Worker<JobData> | undefined;
  let workerConnection: Redis | undefined;

  const toDead = (job: Job<JobData>): DeadLetter => ({
    runId: job.data.runId,
    attempts: job.attemptsMade,
    error: job.failedReason ?? 'failed',
    failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
  });

  return {
    kind: 'bullmq',
    async enqueue(runId, enqueueOpts = {}) {
      await queue.add('run', { runId }, {
        ...(enqueueOpts.key !== undefined ? { jobId: `run_${enqueueOpts.key}` } : {}),
        attempts: policy.attempts,
        backoff: { type: 'exponential', delay: policy.backoffMs },
        removeOnComplete: true,
        removeOnFail: false,
      });
    },
    async consume(handler, consumeOpts) {
      workerConnection = connect(opts.url);
      worker = new Worker<JobData>(name, async (job) => handler({ runId: job.data.runId, attempt: job.attemptsMade + 1 }), {
        connection: workerConnection,
        concurrency: Math.max(1, consumeOpts.concurrency),
        lockDuration: lockMs,
        stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
        maxStalledCount: 2,
      });
      worker.on('error', () => undefined);
      worker.on('failed', (job) => {
        if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
        void Promise.resolve(consumeOpts.onDeadLetter?.(toDead(job))).catch(() => undefined);
      });
      await worker.waitUntilReady();
    },
    async counts() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    },
    async deadLetters(limit = 100) {
      return (await queue.getFailed(0, Math.max(0, limit - 1))).map(toDead);
    },
    async close() {
      await worker?.close();
      await queue.close();
      await Promise.all([connection, workerConnection].map((c) => c?.quit().catch(() => c.disconnect())));
    },
  };
}

/** Removes a queue and every job of it from Redis (benchmarks, tests). */
export async function obliterateBullmqQueue(url: string, name: string): Promise<void> {
  const connection = connect(url);
  const queue = new Queue(name, { connection });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}
