import { afterEach, describe, expect, it } from 'vitest';
import { isTfError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import type { ExecutorContext, RunExecutor } from '../../src/runs/executor.js';
import { createRunService, type RunServiceHandle } from '../../src/runs/run-service.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import type { RunStore } from '../../src/runs/store.js';
import type { Run, RunEvent } from '../../src/runs/types.js';
import { createGate, untilAborted, waitFor } from './fixtures/gates.js';
import { githubSource, localSource, makeRequest } from './fixtures/requests.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(executor: RunExecutor, concurrency = 2): { store: RunStore; service: RunServiceHandle; events: RunEvent[] } {
  const store = openSqliteRunStore({ path: ':memory:' });
  const service = createRunService({ store, executor, concurrency, log: silentLogger() });
  const events: RunEvent[] = [];
  service.subscribe((e) => events.push(e));
  cleanups.push(() => store.close(), () => service.stop({ abort: true }));
  return { store, service, events };
}

/** An executor that waits until aborted, recording what it saw. */
function blockingExecutor() {
  const started: string[] = [];
  const aborted: Array<{ id: string; reason: unknown }> = [];
  const executor: RunExecutor = async (run: Run, ctx: ExecutorContext) => {
    started.push(run.id);
    try {
      return await untilAborted(ctx.signal);
    } catch (err) {
      aborted.push({ id: run.id, reason: err });
      throw err;
    }
  };
  return { executor, started, aborted };
}

describe('run service', () => {
  it('submit returns at once; the worker runs the executor and records success and the report', async () => {
    const gate = createGate();
    const { service, events } = setup(async (_run, ctx) => {
      await gate.promise;
      await ctx.reportStage({ name: 'ingest', status: 'done', durationMs: 3, output: { x: 1 } });
      ctx.reportProgress('plan', 1, 2);
      await ctx.reportUsage({ calls: 1, inputTokens: 10, outputTokens: 2, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0.5 });
      return {};
    });
    await service.start();
    const { run, created } = await service.submit(makeRequest());
    expect(created).toBe(true);
    expect(['queued', 'running']).toContain((await service.get(run.id))?.status);
    gate.open();
    await service.idle();
    const done = await service.get(run.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.usage.calls).toBe(1);
    expect(done?.stages[0]).toMatchObject({ name: 'ingest', status: 'done', durationMs: 3 });
    expect(events.map((e) => e.type)).toEqual(['created', 'stage', 'progress', 'finished']);
    const progress = events.find((e) => e.type === 'progress');
    expect(progress).toMatchObject({ stage: 'plan', done: 1, total: 2 });
  });

  it('a trigger delivered twice makes one run', async () => {
    const { service, events } = setup(async () => ({}));
    const req = makeRequest();
    const a = await service.submit(req);
    const b = await service.submit({ ...req });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.run.id).toBe(a.run.id);
    expect(await service.list()).toHaveLength(1);
    expect(events.filter((e) => e.type === 'created')).toHaveLength(1);
  });

  it('a failing executor fails the run with its error code', async () => {
    const { TfError } = await import('../../src/errors.js');
    const { service, events } = setup(async () => {
      throw new TfError('SPEC_NOT_FOUND', 'no spec in the checkout');
    });
    await service.start();
    const { run } = await service.submit(makeRequest());
    await service.idle();
    const failed = await service.get(run.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toEqual({ code: 'SPEC_NOT_FOUND', message: 'no spec in the checkout' });
    expect(events.at(-1)).toMatchObject({ type: 'finished', run: { id: run.id, status: 'failed' } });
  });

  it('never runs more executors at once than the concurrency bound, and takes runs FIFO', async () => {
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof createGate>>();
    const { service } = setup(async (run, ctx) => {
      order.push(run.id);
      active += 1;
      peak = Math.max(peak, active);
      const gate = createGate();
      gates.set(run.id, gate);
      await Promise.race([gate.promise, untilAborted(ctx.signal)]);
      active -= 1;
      return {};
    }, 2);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await service.submit(makeRequest({ source: githubSource(100 + i) }))).run.id);
    await service.start();
    // whenever the worker has filled its slots, release the oldest run in flight
    for (let released = 0; released < 6; released++) {
      const expected = Math.min(2, 6 - released);
      await waitFor(() => (gates.size === expected ? true : undefined), `${expected} runs in flight`);
      expect(active).toBe(expected);
      const [id, gate] = [...gates.entries()][0] ?? [];
      if (!id || !gate) throw new Error('no run in flight');
      gates.delete(id);
      gate.open();
    }
    await service.idle();
    expect(peak).toBe(2);
    expect(order).toEqual(ids);
    expect((await service.list()).every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('cancels a queued run without running it', async () => {
    const blocking = blockingExecutor();
    const { service } = setup(blocking.executor, 1);
    await service.start();
    const first = await service.submit(makeRequest({ source: githubSource(1) }));
    const second = await service.submit(makeRequest({ source: githubSource(2) }));
    await waitFor(() => (blocking.started.length === 1 ? true : undefined), 'first run to start');
    const cancelled = await service.cancel(second.run.id, 'not needed');
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.error).toEqual({ code: 'RUN_CANCELLED', message: 'not needed' });
    await service.cancel(first.run.id, 'done testing');
    await service.idle();
    expect(blocking.started).toEqual([first.run.id]);
  });

  it('cancel of a running run reaches the executor through its signal', async () => {
    const blocking = blockingExecutor();
    const { service, events } = setup(blocking.executor, 1);
    await service.start();
    const { run } = await service.submit(makeRequest());
    await waitFor(() => (blocking.started.length === 1 ? true : undefined), 'run to start');
    await service.cancel(run.id, 'user asked');
    await service.idle();
    expect(blocking.aborted).toHaveLength(1);
    expect(isTfError(blocking.aborted[0]?.reason, 'RUN_CANCELLED')).toBe(true);
    const after = await service.get(run.id);
    expect(after?.status).toBe('cancelled');
    expect(events.filter((e) => e.type === 'finished')).toHaveLength(1);
    expect(await service.cancel(run.id, 'again')).toMatchObject({ status: 'cancelled', error: { message: 'user asked' } });
  });

  it('a newer run for the same PR supersedes the older running and queued ones', async () => {
    const blocking = blockingExecutor();
    const { service } = setup(blocking.executor, 1);
    await service.start();
    const running = await service.submit(makeRequest({ source: githubSource(7) }));
    await waitFor(() => (blocking.started.length === 1 ? true : undefined), 'first run to start');
    const other = await service.submit(makeRequest({ source: githubSource(8) }));
    const queued = await service.submit(makeRequest({ source: githubSource(7) }));
    const newest = await service.submit(makeRequest({ source: githubSource(7), trigger: { kind: 'synchronize' } }));
    await waitFor(() => (blocking.started.length === 2 ? true : undefined), 'next run to start');
    const r1 = await service.get(running.run.id);
    const r2 = await service.get(queued.run.id);
    expect(r1?.status).toBe('superseded');
    expect(r1?.supersededBy).toBe(queued.run.id);
    expect(r2?.status).toBe('superseded');
    expect(r2?.supersededBy).toBe(newest.run.id);
    expect(blocking.aborted.map((a) => a.id)).toEqual([running.run.id]);
    expect(blocking.started).toEqual([running.run.id, other.run.id]);
    expect((await service.get(other.run.id))?.status).toBe('running');
    expect((await service.get(newest.run.id))?.status).toBe('queued');
  });

  it('a newer run for the same local repo supersedes an older one', async () => {
    const blocking = blockingExecutor();
    const { service } = setup(blocking.executor, 2);
    await service.start();
    const a = await service.submit(makeRequest({ source: localSource('/tmp/repo-x/') }));
    await waitFor(() => (blocking.started.length === 1 ? true : undefined), 'run to start');
    await service.submit(makeRequest({ source: localSource('/tmp/repo-x') }));
    await waitFor(() => (blocking.aborted.length === 1 ? true : undefined), 'abort of the older run');
    expect((await service.get(a.run.id))?.status).toBe('superseded');
  });

  it('rerun makes a new run with the same source and options', async () => {
    const { service } = setup(async () => ({}));
    await service.start();
    const { run } = await service.submit(makeRequest({ options: { dryRun: true, specId: 'x' } }));
    await service.idle();
    const again = await service.rerun(run.id, { kind: 'rerun', actor: 'octocat' });
    expect(again.id).not.toBe(run.id);
    expect(again.request.options).toEqual({ dryRun: true, specId: 'x' });
    expect(again.request.trigger).toEqual({ kind: 'rerun', actor: 'octocat' });
    await service.idle();
    expect((await service.get(again.id))?.status).toBe('succeeded');
    await expect(service.rerun('nope', { kind: 'rerun' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('stop with abort puts in-flight runs back in the queue; a restart runs them with their stage outputs', async () => {
    const seen: Array<Record<string, unknown>> = [];
    let attempt = 0;
    const store = openSqliteRunStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    const executor: RunExecutor = async (_run, ctx) => {
      seen.push({ ...ctx.resumeFrom });
      attempt += 1;
      if (attempt === 1) {
        await ctx.reportStage({ name: 'ingest', status: 'done', output: { dir: '/w' } });
        await untilAborted(ctx.signal);
      }
      return {};
    };
    const first = createRunService({ store, executor, concurrency: 1, log: silentLogger() });
    await first.start();
    const { run } = await first.submit(makeRequest());
    await waitFor(async () => ((await store.get(run.id))?.stages[0]?.status === 'done' ? true : undefined), 'ingest done');
    await first.stop({ abort: true });
    expect((await store.get(run.id))?.status).toBe('queued');
    const second = createRunService({ store, executor, concurrency: 1, log: silentLogger() });
    await second.start();
    await second.idle();
    expect((await store.get(run.id))?.status).toBe('succeeded');
    expect(seen).toEqual([{}, { ingest: { dir: '/w' } }]);
  });
});
