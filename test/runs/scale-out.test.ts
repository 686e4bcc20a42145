import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import type { RunExecutor } from '../../src/runs/executor.js';
import { openPostgresRunStore } from '../../src/runs/postgres/postgres-store.js';
import { createBullmqQueue } from '../../src/runs/queue/bullmq-queue.js';
import { createRunService, type RunServiceHandle } from '../../src/runs/run-service.js';
import type { RunStore } from '../../src/runs/store.js';
import { requirePostgres, requireRedis, TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/services.js';
import { untilAborted, waitFor } from './fixtures/gates.js';
import { githubSource, makeRequest } from './fixtures/requests.js';

const hasPostgres = requirePostgres();
const hasRedis = requireRedis();
const schemas: string[] = [];
const queueNames: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  if (hasPostgres && schemas.length > 0) {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await c.end();
  }
  if (hasRedis && queueNames.length > 0) {
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    for (const name of queueNames) {
      const q = new Queue(name, { connection });
      await q.obliterate({ force: true });
      await q.close();
    }
    await connection.quit();
  }
});

/** One deployment: a PostgreSQL schema and a BullMQ queue of its own, shared by every service made with `service`. */
function deployment() {
  const schema = `tf_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const queueName = `tf-test-${randomUUID()}`;
  schemas.push(schema);
  queueNames.push(queueName);
  function service(executor: RunExecutor, opts: { consume: boolean; concurrency?: number; wrapStore?: (s: RunStore) => RunStore }): { service: RunServiceHandle; store: RunStore } {
    const raw = openPostgresRunStore({ url: TEST_DATABASE_URL, schema });
    const store = opts.wrapStore ? opts.wrapStore(raw) : raw;
    const queue = createBullmqQueue({ url: TEST_REDIS_URL, name: queueName, lockMs: 2000, retry: { attempts: 3, backoffMs: 50 } });
    const service = createRunService({ store, executor, queue, consume: opts.consume, concurrency: opts.concurrency ?? 2, leaseMs: 1500, log: silentLogger() });
    cleanups.push(async () => {
      await service.stop({ abort: true });
      await raw.close();
    });
    return { service, store };
  }
  return { service };
}

const quick = (log: Array<{ run: string; owner: string | undefined }>): RunExecutor => async (run) => {
  log.push({ run: run.id, owner: run.lease?.owner });
  await new Promise((r) => setTimeout(r, 40));
  return {};
};

async function allEnded(store: RunStore, ids: string[]): Promise<true | undefined> {
  for (const id of ids) {
    const r = await store.get(id);
    if (!r || r.status === 'queued' || r.status === 'running') return undefined;
  }
  return true;
}

describe.skipIf(!hasPostgres || !hasRedis)('scale-out: BullMQ on Redis, the run store on PostgreSQL', () => {
  it('two workers share 20 runs submitted by the App: none lost, none run twice', async () => {
    const d = deployment();
    const done: Array<{ run: string; owner: string | undefined }> = [];
    const app = d.service(quick(done), { consume: false });
    const w1 = d.service(quick(done), { consume: true });
    const w2 = d.service(quick(done), { consume: true });
    await Promise.all([app.service.start(), w1.service.start(), w2.service.start()]);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await app.service.submit(makeRequest({ source: githubSource(100 + i) }))).run.id);
    await waitFor(() => allEnded(app.store, ids), 'the 20 runs to end', 1500);
    const runs = await Promise.all(ids.map((id) => app.store.get(id)));
    expect(runs.map((r) => r?.status)).toEqual(ids.map(() => 'succeeded'));
    expect(done.map((e) => e.run).sort()).toEqual([...ids].sort()); // each carried out exactly once
    const owners = new Set(done.map((e) => e.owner));
    expect(owners).toEqual(new Set([w1.service.owner, w2.service.owner])); // by the workers, not the App
    expect((await app.service.queueStatus()).counts).toMatchObject({ waiting: 0, failed: 0 });
  });

  it('the App keeps taking runs with every worker down; they are carried out once a worker starts', async () => {
    const d = deployment();
    const done: Array<{ run: string; owner: string | undefined }> = [];
    const app = d.service(quick(done), { consume: false });
    await app.service.start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await app.service.submit(makeRequest({ source: githubSource(200 + i) }))).run.id);
    const waiting = await app.service.queueStatus();
    expect(waiting.kind).toBe('bullmq');
    expect(waiting.counts?.waiting).toBe(3);
    expect((await Promise.all(ids.map((id) => app.store.get(id)))).map((r) => r?.status)).toEqual(['queued', 'queued', 'queued']);
    expect(done).toEqual([]);

    const worker = d.service(quick(done), { consume: true });
    await worker.service.start();
    await waitFor(() => allEnded(app.store, ids), 'the 3 runs to end', 1000);
    expect(done.map((e) => e.run).sort()).toEqual([...ids].sort());
  });

  it('a run whose every attempt fails is dead-lettered: failed with RUN_DEAD_LETTERED, listed in the queue status', async () => {
    const d = deployment();
    let poisoned = '';
    const breakFor = (s: RunStore): RunStore => ({ ...s, get: async (id) => { if (id === poisoned) throw new Error('connection reset'); return s.get(id); } });
    const app = d.service(quick([]), { consume: false });
    const worker = d.service(quick([]), { consume: true, wrapStore: breakFor });
    await Promise.all([app.service.start(), worker.service.start()]);
    const { run } = await app.service.submit(makeRequest());
    poisoned = run.id;
    // (the first attempt may already be running: the broken read makes every attempt fail)
    await waitFor(() => allEnded(app.store, [run.id]), 'the run to be dead-lettered', 1000);
    const failed = await app.store.get(run.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toEqual({ code: 'RUN_DEAD_LETTERED', message: 'dead-lettered after 3 attempts: connection reset' });
    const status = await app.service.queueStatus();
    expect(status.counts?.failed).toBe(1);
    expect(status.deadLetters.map((x) => x.runId)).toEqual([run.id]);
  });

  it('a worker shut down mid-run hands its run back; another worker carries it out from its last finished stage', async () => {
    const d = deployment();
    const seen: Array<{ owner: string | undefined; resumeFrom: string[] }> = [];
    const executor: RunExecutor = async (run, ctx) => {
      seen.push({ owner: run.lease?.owner, resumeFrom: Object.keys(ctx.resumeFrom) });
      if (seen.length === 1) {
        await ctx.reportStage({ name: 'ingest', status: 'done', output: { dir: '/w' } });
        // The stop may come before this line runs (it follows the stage's store write): untilAborted sees that too.
        await untilAborted(ctx.signal);
      }
      return {};
    };
    const app = d.service(executor, { consume: false });
    const first = d.service(executor, { consume: true });
    await Promise.all([app.service.start(), first.service.start()]);
    const { run } = await app.service.submit(makeRequest());
    await waitFor(async () => ((await app.store.get(run.id))?.stages[0]?.status === 'done' ? true : undefined), 'ingest done', 1000);
    await first.service.stop({ abort: true });
    const handedBack = await app.store.get(run.id);
    expect(handedBack?.status).toBe('queued');
    expect(handedBack?.lease).toBeUndefined();
    const second = d.service(executor, { consume: true });
    await second.service.start();
    await waitFor(() => allEnded(app.store, [run.id]), 'the run to end', 1000);
    expect((await app.store.get(run.id))?.status).toBe('succeeded');
    expect(seen).toEqual([{ owner: first.service.owner, resumeFrom: [] }, { owner: second.service.owner, resumeFrom: ['ingest'] }]);
  });
});
