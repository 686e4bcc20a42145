import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter, RetryPolicy, RunJob, RunQueue } from '../../src/runs/queue/port.js';
import { waitFor } from './fixtures/gates.js';

/**
 * The RunQueue contract: the in-process queue and BullMQ on Redis pass these same tests.
 * `open` gives a fresh, empty queue with the given retry policy; the suite closes it.
 */
export function describeRunQueueContract(name: string, open: (retry: RetryPolicy) => Promise<RunQueue>, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip === true)(`run queue contract: ${name}`, () => {
    const queues: RunQueue[] = [];
    afterEach(async () => {
      await Promise.all(queues.splice(0).map((q) => q.close()));
    });
    async function fresh(retry: Partial<RetryPolicy> = {}): Promise<RunQueue> {
      const q = await open({ attempts: 3, backoffMs: 50, ...retry });
      queues.push(q);
      return q;
    }

    it('hands each job to the handler once, oldest first with one at a time', async () => {
      const q = await fresh();
      for (const id of ['a', 'b', 'c', 'd']) await q.enqueue(id);
      const seen: string[] = [];
      await q.consume(async (job) => void seen.push(job.runId), { concurrency: 1 });
      await waitFor(() => (seen.length === 4 ? true : undefined), 'four jobs', 1000);
      expect(seen).toEqual(['a', 'b', 'c', 'd']);
      await waitFor(async () => ((await q.counts()).active === 0 ? true : undefined), 'no job active', 500);
      expect(await q.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('runs at most `concurrency` jobs at once', async () => {
      const q = await fresh();
      let now = 0;
      let most = 0;
      let done = 0;
      await q.consume(async () => {
        now += 1;
        most = Math.max(most, now);
        await new Promise((r) => setTimeout(r, 30));
        now -= 1;
        done += 1;
      }, { concurrency: 3 });
      for (let i = 0; i < 9; i++) await q.enqueue(`r${i}`);
      await waitFor(() => (done === 9 ? true : undefined), 'nine jobs', 1000);
      expect(most).toBe(3);
    });

    it('a key that is still waiting makes one job; once handled, the key can be used again', async () => {
      const q = await fresh();
      await q.enqueue('r', { key: 'r' });
      await q.enqueue('r', { key: 'r' });
      expect((await q.counts()).waiting).toBe(1);
      const seen: string[] = [];
      await q.consume(async (job) => void seen.push(job.runId), { concurrency: 1 });
      await waitFor(() => (seen.length === 1 ? true : undefined), 'the job', 1000);
      await waitFor(async () => ((await q.counts()).active === 0 ? true : undefined), 'no job active', 500);
      await q.enqueue('r', { key: 'r' });
      await waitFor(() => (seen.length === 2 ? true : undefined), 'the job again', 1000);
    });

    it('retries a failing job with backoff, then dead-letters it once, with its last error', async () => {
      const q = await fresh({ attempts: 3, backoffMs: 40 });
      const attempts: RunJob[] = [];
      const dead: DeadLetter[] = [];
      await q.consume(async (job) => {
        attempts.push(job);
        if (job.runId === 'bad') throw new Error(`store unreachable (attempt ${job.attempt})`);
      }, { concurrency: 2, onDeadLetter: (d) => void dead.push(d) });
      await q.enqueue('bad');
      await q.enqueue('good');
      await waitFor(() => (dead.length === 1 ? true : undefined), 'the dead letter', 1000);
      expect(attempts.filter((a) => a.runId === 'bad').map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(attempts.filter((a) => a.runId === 'good').map((a) => a.attempt)).toEqual([1]);
      expect(dead[0]).toMatchObject({ runId: 'bad', attempts: 3, error: 'store unreachable (attempt 3)' });
      await waitFor(async () => ((await q.counts()).failed === 1 ? true : undefined), 'the failed count', 500);
      expect((await q.deadLetters()).map((d) => [d.runId, d.attempts])).toEqual([['bad', 3]]);
    });

    it('close waits for the jobs being handled (graceful shutdown) and takes no more', async () => {
      const q = await fresh();
      const finished: string[] = [];
      let started = 0;
      await q.consume(async (job) => {
        started += 1;
        await new Promise((r) => setTimeout(r, 100));
        finished.push(job.runId);
      }, { concurrency: 1 });
      await q.enqueue('first');
      await waitFor(() => (started === 1 ? true : undefined), 'the first job to start', 1000);
      await q.enqueue('second');
      await q.close();
      queues.splice(queues.indexOf(q), 1);
      expect(finished).toEqual(['first']);
      expect(started).toBe(1);
    });
  });
}
