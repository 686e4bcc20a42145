import pg from 'pg';
import { TfError } from '../../errors.js';
import { addUsage, ZERO_USAGE, type LlmUsage } from '../../llm/port.js';
import type { SettingsEnv } from '../../config/run-settings.js';
import { mergeStage, patchColumns, toRun, type RunRow, type StageRow } from '../rows.js';
import type { NewRun, RunFilter, RunStore, StageOutputs, UpdateConditions } from '../store.js';
import { STAGES, type Run } from '../types.js';
import { MIGRATION_LOCK, PG_MIGRATIONS, PG_SCHEMA_VERSION } from './migrations.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/db` (DATABASE_URL). Never logged or put in a message. */
  url: string;
  /** A schema of its own (created if missing): tests, or several TFactory installations in one database. */
  schema?: string;
  /** Connections in the pool; default 10. */
  maxConnections?: number;
  /** The server's model, for runs stored before their settings were (see runs/legacy-request.ts). */
  settingsEnv?: SettingsEnv;
}

type Queryable = pg.Pool | pg.PoolClient;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A connection or query failure, said without the URL (it holds the password). */
function unreachable(err: unknown): TfError {
  const message = err instanceof Error ? err.message : String(err);
  return new TfError('CONFIG_INVALID', `the PostgreSQL run store (DATABASE_URL) could not be used: ${message}`, {
    hint: 'start PostgreSQL (bash scripts/setup.sh does, for the tests) or fix DATABASE_URL; unset it to use the embedded SQLite store',
    cause: err,
  });
}

/**
 * The run store shared by several processes and machines: PostgreSQL through `pg`'s pool. Every
 * compare-and-set is one conditional UPDATE (or a transaction holding the row's lock), and a
 * claim skips rows another claimer holds (`FOR UPDATE SKIP LOCKED`), so no run is claimed twice.
 * The schema is migrated on first use.
 */
export function openPostgresRunStore(opts: PostgresStoreOptions): RunStore {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new TfError('CONFIG_INVALID', `not a schema name: ${opts.schema}`);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  pool.on('error', () => undefined); // an idle connection dropped by the server: the pool replaces it

  async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async function migrate(): Promise<void> {
    await tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      if (opts.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS tfactory_schema (version INTEGER NOT NULL)');
      const found = (await c.query<{ version: number }>('SELECT version FROM tfactory_schema')).rows[0];
      const from = found?.version ?? 0;
      if (from > PG_SCHEMA_VERSION) {
        throw new TfError('CONFIG_INVALID', `run database schema version ${from} is newer than this TFactory knows (${PG_SCHEMA_VERSION})`, {
          hint: 'upgrade TFactory on this machine to the version the other processes run',
        });
      }
      for (const m of PG_MIGRATIONS) if (m.version > from) await c.query(m.sql);
      if (!found) await c.query('INSERT INTO tfactory_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
      else if (from < PG_SCHEMA_VERSION) await c.query('UPDATE tfactory_schema SET version = $1', [PG_SCHEMA_VERSION]);
    });
  }
  let ready: Promise<void> | undefined;
  async function db(): Promise<void> {
    ready ??= migrate().catch((err: unknown) => {
      ready = undefined;
      throw err instanceof TfError ? err : unreachable(err);
    });
    return ready;
  }

  async function read(q: Queryable, id: string): Promise<Run | undefined> {
    const row = (await q.query<RunRow>('SELECT * FROM tfactory_runs WHERE id = $1', [id])).rows[0];
    if (!row) return undefined;
    const stages = (await q.query<StageRow>('SELECT * FROM tfactory_run_stages WHERE run_id = $1', [id])).rows;
    return toRun(row, stages, opts.settingsEnv);
  }

  async function readMany(rows: RunRow[]): Promise<Run[]> {
    if (rows.length === 0) return [];
    const stages = (await pool.query<StageRow>('SELECT * FROM tfactory_run_stages WHERE run_id = ANY($1)', [rows.map((r) => r.id)])).rows;
    return rows.map((r) => toRun(r, stages.filter((s) => s.run_id === r.id), opts.settingsEnv));
  }

  const nowIso = (): string => new Date().toISOString();

  return {
    async create(input: NewRun) {
      await db();
      return tx(async (c) => {
        const inserted = await c.query(
          `INSERT INTO tfactory_runs (id, idempotency_key, subject_key, status, request, usage, resumes, created_at, updated_at, started_at, lease_owner, lease_expires_at, heartbeat_at)
           VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8, $9, $10, $11)
           ON CONFLICT (idempotency_key) DO NOTHING`,
          [
            input.id, input.request.idempotencyKey, input.subjectKey, input.lease ? 'running' : 'queued', JSON.stringify(input.request), JSON.stringify(ZERO_USAGE),
            input.createdAt, input.lease ? input.createdAt : null, input.lease?.owner ?? null, input.lease?.expiresAt ?? null, input.lease?.heartbeatAt ?? null,
          ],
        );
        if (inserted.rowCount === 0) {
          const existing = (await c.query<{ id: string }>('SELECT id FROM tfactory_runs WHERE idempotency_key = $1', [input.request.idempotencyKey])).rows[0];
          if (!existing) throw new Error(`run with idempotency key vanished: ${input.request.idempotencyKey}`);
          return { run: (await read(c, existing.id)) as Run, created: false };
        }
        for (const [i, name] of STAGES.entries()) {
          await c.query("INSERT INTO tfactory_run_stages (run_id, position, name, status) VALUES ($1, $2, $3, 'pending')", [input.id, i, name]);
        }
        return { run: (await read(c, input.id)) as Run, created: true };
      });
    },
    async get(id) {
      await db();
      return read(pool, id);
    },
    async list(filter: RunFilter = {}) {
      await db();
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.subjectKey !== undefined) {
        args.push(filter.subjectKey);
        where.push(`subject_key = $${args.length}`);
      }
      if (filter.status && filter.status.length > 0) {
        args.push(filter.status);
        where.push(`status = ANY($${args.length})`);
      }
      args.push(filter.limit ?? 100);
      const sql = `SELECT * FROM tfactory_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${args.length}`;
      return readMany((await pool.query<RunRow>(sql, args)).rows);
    },
    async update(id, patch, conditions: UpdateConditions = {}) {
      await db();
      const columns = patchColumns(patch);
      const args: unknown[] = [id];
      const sets = columns.map(([c, v]) => {
        args.push(v);
        return `${c} = $${args.length}`;
      });
      args.push(conditions.at ?? nowIso());
      sets.push(`updated_at = $${args.length}`);
      const where = ['id = $1'];
      if (conditions.ifStatus) {
        args.push(conditions.ifStatus);
        where.push(`status = ANY($${args.length})`);
      }
      if (conditions.ifOwner !== undefined) {
        args.push(conditions.ifOwner);
        where.push(`lease_owner = $${args.length}`);
      }
      if (conditions.ifLeaseExpiredAt !== undefined) {
        args.push(conditions.ifLeaseExpiredAt);
        where.push(`(lease_expires_at IS NULL OR lease_expires_at < $${args.length})`);
      }
      const done = await pool.query(`UPDATE tfactory_runs SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, args);
      return done.rowCount === 0 ? undefined : read(pool, id);
    },
    async claimNext(at, lease) {
      await db();
      const claimed = await pool.query<{ id: string }>(
        `UPDATE tfactory_runs SET status = 'running', started_at = COALESCE(started_at, $1), updated_at = $1,
           lease_owner = $2, lease_expires_at = $3, heartbeat_at = $4
         WHERE seq = (SELECT seq FROM tfactory_runs WHERE status = 'queued' ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [at, lease.owner, lease.expiresAt, lease.heartbeatAt],
      );
      const id = claimed.rows[0]?.id;
      return id ? read(pool, id) : undefined;
    },
    async heartbeat(id, lease) {
      await db();
      const renewed = await pool.query(
        `UPDATE tfactory_runs SET lease_expires_at = $3, heartbeat_at = $4 WHERE id = $1 AND status = 'running' AND lease_owner = $2`,
        [id, lease.owner, lease.expiresAt, lease.heartbeatAt],
      );
      return renewed.rowCount === 0 ? undefined : read(pool, id);
    },
    async expiredLeases(at, limit = 1000) {
      await db();
      const rows = await pool.query<RunRow>(
        `SELECT * FROM tfactory_runs WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < $1) ORDER BY seq LIMIT $2`,
        [at, limit],
      );
      return readMany(rows.rows);
    },
    async recordStage(id, u, at) {
      await db();
      return tx(async (c) => {
        const row = (await c.query<StageRow>('SELECT * FROM tfactory_run_stages WHERE run_id = $1 AND name = $2 FOR UPDATE', [id, u.name])).rows[0];
        if (!row) return undefined;
        const m = mergeStage(row, u);
        await c.query(
          `UPDATE tfactory_run_stages SET status = $3, started_at = $4, finished_at = $5, duration_ms = $6, error = $7, progress = $8, note = $9, output = $10
           WHERE run_id = $1 AND name = $2`,
          [id, u.name, m.status, m.started_at, m.finished_at, m.duration_ms, m.error, m.progress, m.note, m.output],
        );
        await c.query('UPDATE tfactory_runs SET updated_at = $2 WHERE id = $1', [id, at ?? nowIso()]);
        return read(c, id);
      });
    },
    async stageOutputs(id) {
      await db();
      const rows = await pool.query<{ name: string; output: string }>(
        "SELECT name, output FROM tfactory_run_stages WHERE run_id = $1 AND output IS NOT NULL AND status IN ('done', 'skipped')",
        [id],
      );
      const out: StageOutputs = {};
      for (const r of rows.rows) out[r.name as keyof StageOutputs] = JSON.parse(r.output) as unknown;
      return out;
    },
    async addUsage(id, usage: LlmUsage, at) {
      await db();
      return tx(async (c) => {
        const row = (await c.query<{ usage: string }>('SELECT usage FROM tfactory_runs WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!row) return undefined;
        const total = addUsage(JSON.parse(row.usage) as LlmUsage, usage);
        await c.query('UPDATE tfactory_runs SET usage = $2, updated_at = $3 WHERE id = $1', [id, JSON.stringify(total), at ?? nowIso()]);
        return read(c, id);
      });
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

/** Drops a schema made with `schema` (benchmarks, tests): its runs go with it. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new TfError('CONFIG_INVALID', `not a schema name: ${schema}`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
