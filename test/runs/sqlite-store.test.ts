import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isTfError } from '../../src/errors.js';
import { SCHEMA_VERSION } from '../../src/runs/sqlite/migrations.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import type { RunStore } from '../../src/runs/store.js';
import { makeRequest } from './fixtures/requests.js';
import { describeRunStoreContract } from './store-contract.js';

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

describeRunStoreContract('SQLite (in memory)', async () => openSqliteRunStore({ path: ':memory:' }));
describeRunStoreContract('SQLite (a file)', async () => openSqliteRunStore({ path: tempDb() }));

describe('sqlite run store', () => {
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
