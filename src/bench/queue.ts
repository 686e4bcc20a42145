/**
 * npm run bench:queue — N runs with a stub pipeline (each run holds its worker for WORK_MS) through
 * the embedded queue (SQLite, the store is the queue, one process with 1, 2, 4 runs at once) and
 * through BullMQ on Redis with the PostgreSQL store (1, 2, 4 workers, one run at a time each), side
 * by side: throughput (runs/s, all N submitted at once by one submitter), the submitter's cost per
 * run, and the queue latency (submitted → started) at p50 and p99, which includes the backlog.
 * Needs REDIS_URL and DATABASE_URL, else the local ones scripts/setup.sh starts; BULLMQ rows are
 * left out, saying why, when those do not answer. BENCH_RUNS (default 200) and BENCH_WORK_MS (20).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS_ENV, resolveRunSettings } from '../config/run-settings.js';
import { silentLogger } from '../logger.js';
import type { RunExecutor } from '../runs/executor.js';
import { dropPostgresSchema, openPostgresRunStore } from '../runs/postgres/postgres-store.js';
import { createBullmqQueue, obliterateBullmqQueue } from '../runs/queue/bullmq-queue.js';
import { createRunService, type RunServiceHandle } from '../runs/run-service.js';
import { openSqliteRunStore } from '../runs/sqlite/sqlite-store.js';
import type { RunStore } from '../runs/store.js';
import type { RunRequest } from '../runs/types.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WORK_MS = Number(process.env.BENCH_WORK_MS ?? 20);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://tfactory:tfactory@127.0.0.1:5432/tfactory_test';

interface Row { queue: string; workers: number; runs: number; wallS: number; perS: number; submitMs: number; p50Ms: number; p99Ms: number }

const settings = resolveRunSettings({ env: DEFAULT_SETTINGS_ENV });
function request(i: number): RunRequest {
  return {
    source: { kind: 'github', owner: 'bench', repo: 'queue', pullNumber: i + 1, installationId: 1, headRepoFullName: 'bench/queue', headRef: 'f', baseRef: 'main', headSha: 'x' },
    trigger: { kind: 'mcp' }, options: { dryRun: true }, settings, idempotencyKey: `bench:${randomUUID()}`,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Submits RUNS runs through `submitter`, waits until the executors saw them all; latency = submit → executor start. */
async function measure(label: string, workers: number, submitter: RunServiceHandle, started: Map<string, number>, done: () => number): Promise<Row> {
  const submitted = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const at = performance.now();
    const { run } = await submitter.submit(request(i));
    submitted.set(run.id, at);
  }
  const submitMs = (performance.now() - t0) / RUNS;
  while (done() < RUNS) await new Promise((r) => setTimeout(r, 5));
  const wallS = (performance.now() - t0) / 1000;
  const latencies = [...submitted].map(([id, at]) => (started.get(id) ?? at) - at).sort((a, b) => a - b);
  return { queue: label, workers, runs: RUNS, wallS, perS: RUNS / wallS, submitMs, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

function stubExecutor(started: Map<string, number>, counter: { n: number }): RunExecutor {
  return async (run) => {
    started.set(run.id, performance.now());
    await new Promise((r) => setTimeout(r, WORK_MS));
    counter.n += 1;
    return {};
  };
}

async function embedded(workers: number, dir: string): Promise<Row> {
  const store = openSqliteRunStore({ path: join(dir, `embedded-${workers}.db`) });
  const started = new Map<string, number>();
  const counter = { n: 0 };
  const service = createRunService({ store, executor: stubExecutor(started, counter), concurrency: workers, log: silentLogger() });
  await service.start();
  try {
    return await measure('embedded (SQLite)', workers, service, started, () => counter.n);
  } finally {
    await service.stop();
    await store.close();
  }
}

async function bullmq(workers: number): Promise<Row> {
  const schema = `tf_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const name = `tf-bench-${randomUUID()}`;
  const stores: RunStore[] = [];
  const services: RunServiceHandle[] = [];
  const started = new Map<string, number>();
  const counter = { n: 0 };
  const make = (consume: boolean): RunServiceHandle => {
    const store = openPostgresRunStore({ url: DATABASE_URL, schema, maxConnections: 4 });
    stores.push(store);
    const service = createRunService({ store, executor: stubExecutor(started, counter), queue: createBullmqQueue({ url: REDIS_URL, name }), consume, concurrency: 1, log: silentLogger() });
    services.push(service);
    return service;
  };
  const app = make(false);
  for (let i = 0; i < workers; i++) make(true);
  try {
    for (const s of services) await s.start();
    return await measure('BullMQ + PostgreSQL', workers, app, started, () => counter.n);
  } finally {
    for (const s of services) await s.stop();
    await Promise.all(stores.map((s) => s.close()));
    await dropPostgresSchema(DATABASE_URL, schema);
    await obliterateBullmqQueue(REDIS_URL, name);
  }
}

async function servicesAnswer(): Promise<string | undefined> {
  try {
    const store = openPostgresRunStore({ url: DATABASE_URL, schema: 'tf_bench_probe' });
    await store.list({ limit: 1 });
    await store.close();
    await dropPostgresSchema(DATABASE_URL, 'tf_bench_probe');
  } catch (err) {
    return `PostgreSQL (DATABASE_URL) did not answer: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
  try {
    const q = createBullmqQueue({ url: REDIS_URL, name: 'tf-bench-probe' });
    await Promise.race([q.counts(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5000))]);
    await q.close();
    await obliterateBullmqQueue(REDIS_URL, 'tf-bench-probe');
  } catch (err) {
    return `Redis (REDIS_URL) did not answer: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}

const dir = await mkdtemp(join(tmpdir(), 'tf-bench-queue-'));
const rows: Row[] = [];
try {
  const missing = await servicesAnswer();
  for (const n of [1, 2, 4]) {
    rows.push(await embedded(n, dir));
    if (!missing) rows.push(await bullmq(n));
  }
  console.log(`bench:queue: ${RUNS} runs of ${WORK_MS} ms each (stub pipeline); latency = submitted → started\n`);
  console.log('| queue | workers | runs | wall s | runs/s | submit ms/run | queue latency p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.queue} | ${r.workers} | ${r.runs} | ${r.wallS.toFixed(2)} | ${r.perS.toFixed(1)} | ${r.submitMs.toFixed(1)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} |`);
  const ideal = (n: number) => (1000 / WORK_MS) * n;
  console.log(`\n(the ceiling is ${ideal(1).toFixed(0)} runs/s per worker: each run holds its worker ${WORK_MS} ms)`);
  for (const n of [1, 2, 4]) {
    const e = rows.find((r) => r.workers === n && r.queue.startsWith('embedded'));
    const b = rows.find((r) => r.workers === n && r.queue.startsWith('BullMQ'));
    if (e && b) console.log(`${n} worker(s): BullMQ + PostgreSQL at ${(b.perS / e.perS).toFixed(2)}× the embedded throughput; p99 latency ${b.p99Ms.toFixed(0)} ms vs ${e.p99Ms.toFixed(0)} ms`);
  }
  if (missing) console.log(`\nBullMQ rows left out: ${missing} (bash scripts/setup.sh starts both locally)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
