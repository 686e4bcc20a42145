import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isTfError } from '../../src/errors.js';
import { SCHEMA_VERSION } from '../../src/runs/sqlite/migrations.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import type { RunStore } from '../../src/runs/store.js';
import { STAGES } from '../../src/runs/types.js';
import { makeRequest } from './fixtures/requests.js';

const dirs: string[] = [];
const stores: RunStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'tfactory.db');
}

function open(path = ':memory:') {
  const store = openSqliteRunStore({ path });
  stores.push(store);
  return store;
}

const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();

describe('sqlite run store', () => {
  it('creates a queued run with every stage pending, and one run per idempotency key', async () => {
    const store = open();
    const req = makeRequest();
    const first = await store.create({ id: 'r1', request: req, subjectKey: 's', createdAt: at(0) });
    const again = await store.create({ id: 'r2', request: { ...req, trigger: { kind: 'label', deliveryId: 'other' } }, subjectKey: 's', createdAt: at(1) });
    expect(first.created).toBe(true);
    expect(first.run.status).toBe('queued');
    expect(first.run.stages.map((s) => [s.name, s.status])).toEqual(STAGES.map((n) => [n, 'pending']));
    expect(again.created).toBe(false);
    expect(again.run.id).toBe('r1');
    expect(await store.get('r2')).toBeUndefined();
    expect(await store.list()).toHaveLength(1);
  });

  it('claims queued runs oldest first and never twice', async () => {
    const store = open();
    for (const id of ['a', 'b', 'c']) await store.create({ id, request: makeRequest(), subjectKey: id, createdAt: at(0) });
    const claimed = [await store.claimNext(at(1)), await store.claimNext(at(2)), await store.claimNext(at(3)), await store.claimNext(at(4))];
    expect(claimed.map((r) => r?.id)).toEqual(['a', 'b', 'c', undefined]);
    expect(claimed[0]?.status).toBe('running');
    expect(claimed[0]?.startedAt).toBe(at(1));
  });

  it('applies a conditional update only from the given statuses', async () => {
    const store = open();
    await store.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
    const done = await store.update('r', { status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'by test' } }, { ifStatus: ['queued'], at: at(1) });
    expect(done?.status).toBe('cancelled');
    expect(done?.error).toEqual({ code: 'RUN_CANCELLED', message: 'by test' });
    expect(await store.update('r', { status: 'succeeded' }, { ifStatus: ['queued', 'running'] })).toBeUndefined();
    expect((await store.get('r'))?.status).toBe('cancelled');
    expect(await store.update('missing', { status: 'failed' })).toBeUndefined();
  });

  it('records stage outcomes and outputs; a new attempt clears the old outcome', async () => {
    const store = open();
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
  });

  it('adds usage to the run total', async () => {
    const store = open();
    await store.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
    const u = { calls: 1, inputTokens: 100, outputTokens: 10, cacheWriteTokens: 5, cacheReadTokens: 0, costUsd: 0.01 };
    await store.addUsage('r', u);
    const run = await store.addUsage('r', { ...u, cacheReadTokens: 50 });
    expect(run?.usage).toEqual({ calls: 2, inputTokens: 200, outputTokens: 20, cacheWriteTokens: 10, cacheReadTokens: 50, costUsd: 0.02 });
  });

  it('lists newest first, filtered by subject and status', async () => {
    const store = open();
    await store.create({ id: 'a', request: makeRequest(), subjectKey: 'x', createdAt: at(0) });
    await store.create({ id: 'b', request: makeRequest(), subjectKey: 'y', createdAt: at(1) });
    await store.create({ id: 'c', request: makeRequest(), subjectKey: 'x', createdAt: at(2) });
    await store.update('c', { status: 'failed' });
    expect((await store.list()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect((await store.list({ subjectKey: 'x' })).map((r) => r.id)).toEqual(['c', 'a']);
    expect((await store.list({ subjectKey: 'x', status: ['queued'] })).map((r) => r.id)).toEqual(['a']);
    expect((await store.list({ limit: 1 })).map((r) => r.id)).toEqual(['c']);
  });

  it('keeps runs in one WAL-mode file across reopen, at the latest schema version', async () => {
    const path = tempDb();
    const first = openSqliteRunStore({ path });
    expect(first.journalMode).toBe('wal');
    await first.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: at(0) });
    await first.recordStage('r', { name: 'ingest', status: 'done', output: { ok: 1 } });
    await first.close();
    const second = open(path);
    expect((await second.get('r'))?.stages[0]?.status).toBe('done');
    expect(await second.stageOutputs('r')).toEqual({ ingest: { ok: 1 } });
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses a database written by a newer schema', () => {
    const path = tempDb();
    open(path);
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    let caught: unknown;
    try {
      openSqliteRunStore({ path });
    } catch (err) {
      caught = err;
    }
    expect(isTfError(caught, 'CONFIG_INVALID')).toBe(true);
  });
});
