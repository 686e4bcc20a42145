/**
 * The queue port: hands run ids to the workers that carry them out. The run store stays the
 * truth about a run (status, lease, stages); a job only says "look at this run". A handler that
 * throws is retried with exponential backoff; after the last attempt the job is dead-lettered.
 * Implementations: in-process (./in-process-queue.ts) and BullMQ on Redis (./bullmq-queue.ts);
 * both pass test/runs/queue-contract.ts.
 */
export interface RunJob {
  runId: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export type RunJobHandler = (job: RunJob) => Promise<void>;

export interface DeadLetter {
  runId: string;
  attempts: number;
  /** The last attempt's error message. */
  error: string;
  failedAt: string;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  /** Waiting for a retry's backoff. */
  delayed: number;
  /** Dead-lettered: every attempt failed. */
  failed: number;
}

export interface RetryPolicy {
  /** Attempts per job, the first included (default 3). */
  attempts: number;
  /** Wait before the first retry; doubled at each next one (default 1 s). */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000 };

export interface ConsumeOptions {
  /** Jobs handled at once by this consumer. */
  concurrency: number;
  /** Called once per job whose last attempt failed. */
  onDeadLetter?: (dead: DeadLetter) => void | Promise<void>;
}

export interface RunQueue {
  readonly kind: 'in-process' | 'bullmq';
  /** Adds a job for the run. With a `key`, a job of that key that is still waiting or running makes this a no-op. */
  enqueue(runId: string, opts?: { key?: string }): Promise<void>;
  /** Starts handing jobs to `handler`, at most `concurrency` at once, oldest first. */
  consume(handler: RunJobHandler, opts: ConsumeOptions): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Dead-lettered jobs, newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Stops taking jobs, waits for those being handled (graceful shutdown), and lets go of its connections. */
  close(): Promise<void>;
}
