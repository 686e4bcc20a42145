import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { addUsage, ZERO_USAGE, type LlmUsage } from '../../llm/port.js';
import { STAGES, type Run, type RunStatus } from '../types.js';
import type { NewRun, RunFilter, RunPatch, RunStore, StageOutputs, StageUpdate } from '../store.js';
import { migrate } from './migrations.js';
import type { SettingsEnv } from '../../config/run-settings.js';
import { toRun, type RunRow, type StageRow } from './rows.js';

export interface SqliteStoreOptions {
  /** A file path (its folder is created), or `:memory:` for tests. */
  path: string;
  /** How long a write waits for another process's lock. */
  busyTimeoutMs?: number;
  /** The server's model, for runs stored before their settings were (see runs/legacy-request.ts). */
  settingsEnv?: SettingsEnv;
}

const PATCH_COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  error: 'error',
  report: 'report',
  resumes: 'resumes',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  supersededBy: 'superseded_by',
};

function columnValue(key: keyof RunPatch, value: unknown): unknown {
  return key === 'error' || key === 'report' ? JSON.stringify(value) : value;
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
    `INSERT INTO runs (id, idempotency_key, subject_key, status, request, usage, resumes, created_at, updated_at)
     VALUES (@id, @key, @subject, 'queued', @request, @usage, 0, @at, @at)
     ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const insertStage = db.prepare(
    "INSERT INTO run_stages (run_id, position, name, status) VALUES (?, ?, ?, 'pending')",
  );
  const claim = db.prepare<[{ at: string }], { id: string }>(
    `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, @at), updated_at = @at
     WHERE seq = (SELECT seq FROM runs WHERE status = 'queued' ORDER BY seq LIMIT 1)
     RETURNING id`,
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
    });
    if (res.changes === 0) {
      const existing = selectByKey.get(input.request.idempotencyKey);
      if (!existing) throw new Error(`run with idempotency key vanished: ${input.request.idempotencyKey}`);
      return { run: toRun(existing, selectStages.all(existing.id), opts.settingsEnv), created: false };
    }
    STAGES.forEach((name, i) => insertStage.run(input.id, i, name));
    return { run: read(input.id) as Run, created: true };
  });

  const update = db.transaction((id: string, patch: RunPatch, ifStatus: RunStatus[] | undefined, at: string) => {
    const row = selectRun.get(id);
    if (!row) return undefined;
    if (ifStatus && !ifStatus.includes(row.status as RunStatus)) return undefined;
    const keys = (Object.keys(patch) as Array<keyof RunPatch>).filter((k) => patch[k] !== undefined);
    const sets = [...keys.map((k) => `${PATCH_COLUMNS[k]} = ?`), 'updated_at = ?'];
    db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...keys.map((k) => columnValue(k, patch[k])), at, id);
    return read(id);
  });

  const recordStage = db.transaction((id: string, u: StageUpdate, at: string) => {
    const row = db.prepare<[string, string], StageRow>('SELECT * FROM run_stages WHERE run_id = ? AND name = ?').get(id, u.name);
    if (!row) return undefined;
    const fresh = u.status === 'running' && row.status !== 'running';
    const keep = <T>(given: T | undefined, old: T | null): T | null => (given !== undefined ? given : fresh ? null : old);
    const json = (v: unknown): string | undefined => (v === undefined ? undefined : JSON.stringify(v));
    db.prepare(
      `UPDATE run_stages SET status = ?, started_at = ?, finished_at = ?, duration_ms = ?, error = ?, progress = ?, note = ?, output = ?
       WHERE run_id = ? AND name = ?`,
    ).run(
      u.status,
      u.startedAt ?? row.started_at,
      keep(u.finishedAt, row.finished_at),
      keep(u.durationMs, row.duration_ms),
      keep(json(u.error), row.error),
      keep(json(u.progress), row.progress),
      keep(u.note, row.note),
      keep(json(u.output), row.output),
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
    async update(id, patch, opts = {}) {
      return update.immediate(id, patch, opts.ifStatus, opts.at ?? nowIso());
    },
    async claimNext(at) {
      const claimed = db.transaction(() => claim.get({ at })).immediate();
      return claimed ? read(claimed.id) : undefined;
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
