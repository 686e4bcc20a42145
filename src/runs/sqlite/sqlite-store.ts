import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { addUsage, ZERO_USAGE, type LlmUsage } from '../../llm/port.js';
import { STAGES, type Run } from '../types.js';
import type { NewRun, RunFilter, RunPatch, RunStore, StageOutputs, StageUpdate, UpdateConditions } from '../store.js';
import { migrate } from './migrations.js';
import type { SettingsEnv } from '../../config/run-settings.js';
import { mergeStage, meetsConditions, patchColumns, toRun, type RunRow, type StageRow } from '../rows.js';

export interface SqliteStoreOptions {
  /** A file path (its folder is created), or `:memory:` for tests. */
  path: string;
  /** How long a write waits for another process's lock. */
  busyTimeoutMs?: number;
  /** The server's model, for runs stored before their settings were (see runs/legacy-request.ts). */
  settingsEnv?: SettingsEnv;
}

/** The embedded run store: one SQLite file in WAL mode, schema migrated by version on open. */
export function openSqliteRunStore(opts: SqliteStoreOptions): RunStore & { readonly journalMode: string } {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  const journalMode = String(db.pragma('journal_mode = WAL', { simple: true }));
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const selectRun = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  const selectByKey = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE idempotency_key = ?');
  const selectStages = db.prepare<[string], StageRow>('SELECT * FROM run_stages WHERE run_id = ?');
  const insertRun = db.prepare(
    `INSERT INTO runs (id, idempotency_key, subject_key, status, request, usage, resumes, created_at, updated_at, started_at, lease_owner, lease_expires_at, heartbeat_at)
     VALUES (@id, @key, @subject, @status, @request, @usage, 0, @at, @at, @startedAt, @owner, @expiresAt, @heartbeatAt)
     ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const insertStage = db.prepare(
    "INSERT INTO run_stages (run_id, position, name, status) VALUES (?, ?, ?, 'pending')",
  );
  const claim = db.prepare<[{ at: string; owner: string; expiresAt: string; heartbeatAt: string }], { id: string }>(
    `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, @at), updated_at = @at,
       lease_owner = @owner, lease_expires_at = @expiresAt, heartbeat_at = @heartbeatAt
     WHERE seq = (SELECT seq FROM runs WHERE status = 'queued' ORDER BY seq LIMIT 1)
     RETURNING id`,
  );
  const renew = db.prepare<[{ id: string; owner: string; expiresAt: string; heartbeatAt: string }], { id: string }>(
    `UPDATE runs SET lease_expires_at = @expiresAt, heartbeat_at = @heartbeatAt
     WHERE id = @id AND status = 'running' AND lease_owner = @owner
     RETURNING id`,
  );
  const selectExpired = db.prepare<[string, number], RunRow>(
    `SELECT * FROM runs WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY seq LIMIT ?`,
  );
  const selectOutputs = db.prepare<[string], { name: string; output: string }>(
    "SELECT name, output FROM run_stages WHERE run_id = ? AND output IS NOT NULL AND status IN ('done', 'skipped')",
  );

  const read = (id: string): Run | undefined => {
    const row = selectRun.get(id);
    return row ? toRun(row, selectStages.all(id), opts.settingsEnv) : undefined;
  };
  const touch = (id: string, at: string): void => {
    db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?').run(at, id);
  };

  const create = db.transaction((input: NewRun): { run: Run; created: boolean } => {
    const res = insertRun.run({
      id: input.id,
      key: input.request.idempotencyKey,
      subject: input.subjectKey,
      request: JSON.stringify(input.request),
      usage: JSON.stringify(ZERO_USAGE),
      at: input.createdAt,
      status: input.lease ? 'running' : 'queued',
      startedAt: input.lease ? input.createdAt : null,
      owner: input.lease?.owner ?? null,
      expiresAt: input.lease?.expiresAt ?? null,
      heartbeatAt: input.lease?.heartbeatAt ?? null,
    });
    if (res.changes === 0) {
      const existing = selectByKey.get(input.request.idempotencyKey);
      if (!existing) throw new Error(`run with idempotency key vanished: ${input.request.idempotencyKey}`);
      return { run: toRun(existing, selectStages.all(existing.id), opts.settingsEnv), created: false };
    }
    STAGES.forEach((name, i) => insertStage.run(input.id, i, name));
    return { run: read(input.id) as Run, created: true };
  });

  const update = db.transaction((id: string, patch: RunPatch, conditions: UpdateConditions, at: string) => {
    const row = selectRun.get(id);
    if (!row || !meetsConditions(row, conditions)) return undefined;
    const columns = patchColumns(patch);
    const sets = [...columns.map(([c]) => `${c} = ?`), 'updated_at = ?'];
    db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...columns.map(([, v]) => v), at, id);
    return read(id);
  });

  const recordStage = db.transaction((id: string, u: StageUpdate, at: string) => {
    const row = db.prepare<[string, string], StageRow>('SELECT * FROM run_stages WHERE run_id = ? AND name = ?').get(id, u.name);
    if (!row) return undefined;
    // A new attempt (to running) or a reset (to pending) clears the previous outcome.
    const m = mergeStage(row, u);
    db.prepare(
      `UPDATE run_stages SET status = ?, started_at = ?, finished_at = ?, duration_ms = ?, error = ?, progress = ?, note = ?, output = ?
       WHERE run_id = ? AND name = ?`,
    ).run(
      m.status,
      m.started_at,
      m.finished_at,
      m.duration_ms,
      m.error,
      m.progress,
      m.note,
      m.output,
      id,
      u.name,
    );
    touch(id, at);
    return read(id);
  });

  const addUsageTx = db.transaction((id: string, usage: LlmUsage, at: string) => {
    const row = selectRun.get(id);
    if (!row) return undefined;
    const total = addUsage(JSON.parse(row.usage) as LlmUsage, usage);
    db.prepare('UPDATE runs SET usage = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(total), at, id);
    return read(id);
  });

  const nowIso = (): string => new Date().toISOString();

  return {
    journalMode,
    async create(input) {
      return create.immediate(input);
    },
    async get(id) {
      return read(id);
    },
    async list(filter: RunFilter = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.subjectKey !== undefined) {
        where.push('subject_key = ?');
        args.push(filter.subjectKey);
      }
      if (filter.status && filter.status.length > 0) {
        where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
        args.push(...filter.status);
      }
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      const rows = db.prepare<unknown[], RunRow>(sql).all(...args, filter.limit ?? 100);
      return rows.map((r) => toRun(r, selectStages.all(r.id), opts.settingsEnv));
    },
    async update(id, patch, conditions = {}) {
      return update.immediate(id, patch, conditions, conditions.at ?? nowIso());
    },
    async claimNext(at, lease) {
      const claimed = db.transaction(() => claim.get({ at, owner: lease.owner, expiresAt: lease.expiresAt, heartbeatAt: lease.heartbeatAt })).immediate();
      return claimed ? read(claimed.id) : undefined;
    },
    async heartbeat(id, lease) {
      const renewed = renew.get({ id, owner: lease.owner, expiresAt: lease.expiresAt, heartbeatAt: lease.heartbeatAt });
      return renewed ? read(id) : undefined;
    },
    async expiredLeases(at, limit = 1000) {
      return selectExpired.all(at, limit).map((r) => toRun(r, selectStages.all(r.id), opts.settingsEnv));
    },
    async recordStage(id, u, at) {
      return recordStage.immediate(id, u, at ?? nowIso());
    },
    async stageOutputs(id) {
      const out: StageOutputs = {};
      for (const r of selectOutputs.all(id)) out[r.name as keyof StageOutputs] = JSON.parse(r.output) as unknown;
      return out;
    },
    async addUsage(id, usage, at) {
      return addUsageTx.immediate(id, usage, at ?? nowIso());
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
