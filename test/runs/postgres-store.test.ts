import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isTfError } from '../../src/errors.js';
import { PG_SCHEMA_VERSION } from '../../src/runs/postgres/migrations.js';
import { openPostgresRunStore } from '../../src/runs/postgres/postgres-store.js';
import type { RunStore } from '../../src/runs/store.js';
import { requirePostgres, TEST_DATABASE_URL } from '../helpers/services.js';
import { makeRequest } from './fixtures/requests.js';
import { describeRunStoreContract } from './store-contract.js';

const hasPostgres = requirePostgres();
const schemas: string[] = [];

/** Each store gets a schema of its own in the test database, dropped at the end. */
function freshSchema(): string {
  const schema = `tf_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  if (!hasPostgres || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

describeRunStoreContract('PostgreSQL', async () => openPostgresRunStore({ url: TEST_DATABASE_URL, schema: freshSchema() }), { skip: !hasPostgres });

describe.skipIf(!hasPostgres)('postgres run store', () => {
  it('is one store for several processes: two pools on one schema see each other\'s runs; the schema is migrated once', async () => {
    const schema = freshSchema();
    const stores: RunStore[] = [openPostgresRunStore({ url: TEST_DATABASE_URL, schema }), openPostgresRunStore({ url: TEST_DATABASE_URL, schema })];
    try {
      // both migrate at once (under the advisory lock)
      await Promise.all(stores.map((s) => s.list()));
      const [a, b] = stores as [RunStore, RunStore];
      await a.create({ id: 'r', request: makeRequest(), subjectKey: 's', createdAt: '2026-01-01T00:00:00.000Z' });
      const claims = await Promise.all([a.claimNext('2026-01-01T00:00:01.000Z', { owner: 'worker:a', heartbeatAt: 'x', expiresAt: 'y' }), b.claimNext('2026-01-01T00:00:01.000Z', { owner: 'worker:b', heartbeatAt: 'x', expiresAt: 'y' })]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await b.get('r'))?.status).toBe('running');
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      const rows = (await c.query(`SELECT version FROM ${schema}.tfactory_schema`)).rows;
      await c.end();
      expect(rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('an unreachable server is a CONFIG_INVALID error that names DATABASE_URL, never the URL itself', async () => {
    const store = openPostgresRunStore({ url: 'postgres://someone:s3cret-pw@127.0.0.1:1/none' });
    let caught: unknown;
    try {
      await store.list();
    } catch (err) {
      caught = err;
    } finally {
      await store.close();
    }
    expect(isTfError(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('DATABASE_URL');
    expect((caught as Error).message).not.toContain('s3cret-pw');
  });
});
