import { afterEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../src/runs/store.js';
import { STAGES, type RunLease } from '../../src/runs/types.js';
import { makeRequest } from './fixtures/requests.js';

const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();
const lease = (owner: string, from: number, until: number): RunLease => ({ owner, heartbeatAt: at(from), expiresAt: at(until) });

/**
 * The RunStore contract: every store implementation (SQLite, PostgreSQL) passes these same tests.
 * `open` gives a fresh, empty store; the suite closes it.
 */
export function describeRunStoreContract(name: string, open: () => Promise<RunStore>, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip === true)(`run store contract: ${name}`, () => {
    const stores: RunStore[] = [];
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });
    async function fresh(): Promise<RunStore> {
      const store = await open();
      stores.push(store);
      return store;
    }

    it('creates a queued run with every stage pending, and one run per idempotency key', async () => {
      const store = await fresh();
      const req = makeRequest();
      const first = await store.create({ id: 'r1', request: req, subjectKey: 's', createdAt: at(0) });
      const again = await store.create({ id: 'r2', request: { ...req, trigger: { kind: 'label', deliveryId: 'other' } }, subjectKey: 's', createdAt: at(1) });
      expect(first.created).toBe(true);
      expect(first.run.status).toBe('queued');
      expect(first.run.lease).toBeUndefined();
      expect(first.run.request).toEqual(req);
      expect(first.run.stages.map((s) => [s.name, s.status])).toEqual(STAGES.map((n) => [n, 'pending']));
      expect(again.created).toBe(false);
      expect(again.run.id).toBe('r1');
      expect(await store.get('r2')).toBeUndefined();
      expect(await store.list()).toHaveLength(1);
    });

    it('creates a run already running under a lease (a CLI command\'s own run), which claimNext never returns', async () => {
      const store = await fresh();
      const { run } = await store.create({ id: 'own', request: makeRequest(), subjectKey: 's', createdAt: at(0), lease: lease('cli:h:1:a', 0, 30) });
      expect(run.status).toBe('running');
      expect(run.startedAt).toBe(at(0));
      expect(run.lease).toEqual(lease('cli:h:1:a', 0, 30));
      expect(await store.claimNext(at(1), lease('worker:h:2:b', 1, 31))).toBeUndefined();
    });

    it('claims queued runs oldest first under the claimer\'s lease, never twice', async () => {
      const store = await fresh();
      for (const id of ['a', 'b', 'c']) await store.create({ id, request: makeRequest(), subjectKey: id, createdAt: at(0) });
      const claimed = [];
      for (let n = 1; n <= 4; n++) claimed.push(await store.claimNext(at(n), lease(`worker:h:${n}:x`, n, n + 30)));
      expect(claimed.map((r) => r?.id)).toEqual(['a', 'b', 'c', undefined]);
      expect(claimed[0]?.status).toBe('running');
      expect(claimed[0]?.startedAt).toBe(at(1));
      expect(claimed[1]?.lease?.owner).toBe('worker:h:2:x');
    });

    it('claims each run once when many claim at the same time', async () => {
      const store = await fresh();
      for (let i = 0; i < 10; i++) await store.create({ id: `r${i}`, request: makeRequest(), subjectKey: `s${i}`, createdAt: at(i) });
      const claims = await Promise.all(Array.from({ length: 14 }, (_, i) => store.claimNext(at(20), lease(`worker:h:${i}:x`, 20, 50))));
      const ids = claims.flatMap((r) => (r ? [r.id] : []));
      expect(ids.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`).sort());
    });

    it('renews a lease only for its owner while the run is running', async () => {
      const store = await fresh();
      await store.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
      await store.claimNext(at(1), lease('worker:a', 1, 10));
      expect((await store.heartbeat('r', lease('worker:a', 5, 15)))?.lease).toEqual(lease('worker:a', 5, 15));
      expect(await store.heartbeat('r', lease('worker:b', 6, 16))).toBeUndefined();
      expect((await store.get('r'))?.lease?.owner).toBe('worker:a');
      await store.update('r', { status: 'cancelled', lease: null }, { ifStatus: ['running'] });
      expect(await store.heartbeat('r', lease('worker:a', 7, 17))).toBeUndefined();
      expect((await store.get('r'))?.lease).toBeUndefined();
      expect(await store.heartbeat('missing', lease('worker:a', 7, 17))).toBeUndefined();
    });

    it('lists running runs whose lease expired, and takes one over only once (compare-and-set on the expired lease)', async () => {
      const store = await fresh();
      for (const id of ['old', 'live', 'queued']) await store.create({ id, request: makeRequest(), subjectKey: id, createdAt: at(0) });
      await store.claimNext(at(1), lease('worker:dead', 1, 10));
      await store.claimNext(at(1), lease('worker:live', 1, 100));
      expect((await store.expiredLeases(at(5))).map((r) => r.id)).toEqual([]);
      expect((await store.expiredLeases(at(11))).map((r) => r.id)).toEqual(['old']);
      const cas = { ifStatus: ['running' as const], ifOwner: 'worker:dead', ifLeaseExpiredAt: at(11), at: at(11) };
      const [first, second] = await Promise.all([
        store.update('old', { status: 'queued', lease: null, resumes: 1 }, cas),
        store.update('old', { status: 'queued', lease: null, resumes: 1 }, cas),
      ]);
      expect([first?.status, second?.status].filter(Boolean)).toEqual(['queued']);
      expect(await store.update('live', { status: 'queued', lease: null }, { ifStatus: ['running'], ifLeaseExpiredAt: at(11) })).toBeUndefined();
      expect(await store.update('live', { status: 'queued', lease: null }, { ifOwner: 'worker:other' })).toBeUndefined();
      const took = await store.update('live', { lease: lease('worker:new', 101, 130) }, { ifStatus: ['running'], ifLeaseExpiredAt: at(101) });
      expect(took?.lease?.owner).toBe('worker:new');
    });

    it('applies a conditional update only from the given statuses; null clears error and finish time', async () => {
      const store = await fresh();
      await store.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
      const done = await store.update('r', { status: 'interrupted', finishedAt: at(1), error: { code: 'RUN_INTERRUPTED', message: 'by test' } }, { ifStatus: ['queued'], at: at(1) });
      expect(done?.status).toBe('interrupted');
      expect(done?.error).toEqual({ code: 'RUN_INTERRUPTED', message: 'by test' });
      expect(done?.updatedAt).toBe(at(1));
      expect(await store.update('r', { status: 'succeeded' }, { ifStatus: ['queued', 'running'] })).toBeUndefined();
      const resumed = await store.update('r', { status: 'running', error: null, finishedAt: null }, { ifStatus: ['interrupted'] });
      expect(resumed?.error).toBeUndefined();
      expect(resumed?.finishedAt).toBeUndefined();
      expect(await store.update('missing', { status: 'failed' })).toBeUndefined();
    });

    it('records stage outcomes and outputs; a new attempt clears the old outcome', async () => {
      const store = await fresh();
      await store.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
      await store.recordStage('r', { name: 'ingest', status: 'running', startedAt: at(1) });
      await store.recordStage('r', { name: 'ingest', status: 'done', finishedAt: at(2), durationMs: 1000, output: { workspaceDir: '/w', n: [1, 2] } });
      await store.recordStage('r', { name: 'plan', status: 'failed', error: { code: 'LLM_FAILED', message: 'boom' }, output: { partial: true } });
      const run = await store.get('r');
      expect(run?.stages[0]).toEqual({ name: 'ingest', status: 'done', startedAt: at(1), finishedAt: at(2), durationMs: 1000 });
      expect(run?.stages[1]).toMatchObject({ name: 'plan', status: 'failed', error: { code: 'LLM_FAILED', message: 'boom' } });
      expect(await store.stageOutputs('r')).toEqual({ ingest: { workspaceDir: '/w', n: [1, 2] } });

      await store.recordStage('r', { name: 'plan', status: 'running', startedAt: at(3) });
      await store.recordStage('r', { name: 'plan', status: 'running', progress: { done: 1, total: 3 } });
      const retried = await store.get('r');
      expect(retried?.stages[1]).toEqual({ name: 'plan', status: 'running', startedAt: at(3), progress: { done: 1, total: 3 } });
      expect(await store.recordStage('missing', { name: 'plan', status: 'running' })).toBeUndefined();
    });

    it('adds usage to the run total, also when added at the same time', async () => {
      const store = await fresh();
      await store.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
      const u = { calls: 1, inputTokens: 100, outputTokens: 10, cacheWriteTokens: 5, cacheReadTokens: 0, costUsd: 0.01 };
      await store.addUsage('r', u);
      const run = await store.addUsage('r', { ...u, cacheReadTokens: 50 });
      expect(run?.usage).toEqual({ calls: 2, inputTokens: 200, outputTokens: 20, cacheWriteTokens: 10, cacheReadTokens: 50, costUsd: 0.02 });
      await Promise.all(Array.from({ length: 8 }, () => store.addUsage('r', u)));
      expect((await store.get('r'))?.usage.calls).toBe(10);
    });

    it('stores the report and lists newest first, filtered by subject and status', async () => {
      const store = await fresh();
      await store.create({ id: 'a', request: makeRequest(), subjectKey: 'x', createdAt: at(0) });
      await store.create({ id: 'b', request: makeRequest(), subjectKey: 'y', createdAt: at(1) });
      await store.create({ id: 'c', request: makeRequest(), subjectKey: 'x', createdAt: at(2) });
      await store.update('c', { status: 'failed', supersededBy: 'b' });
      expect((await store.list()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
      expect((await store.list({ subjectKey: 'x' })).map((r) => r.id)).toEqual(['c', 'a']);
      expect((await store.list({ subjectKey: 'x', status: ['queued'] })).map((r) => r.id)).toEqual(['a']);
      expect((await store.list({ limit: 1 })).map((r) => r.id)).toEqual(['c']);
      expect((await store.get('c'))?.supersededBy).toBe('b');
    });
  });
}
