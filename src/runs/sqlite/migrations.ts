import type { Database } from 'better-sqlite3';
import { TfError } from '../../errors.js';

/** Schema versions, applied in order; the database's `user_version` is the last one applied. */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        idempotency_key TEXT NOT NULL UNIQUE,
        subject_key TEXT NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        usage TEXT NOT NULL,
        report TEXT,
        error TEXT,
        resumes INTEGER NOT NULL DEFAULT 0,
        superseded_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX runs_by_status ON runs (status, seq);
      CREATE INDEX runs_by_subject ON runs (subject_key, status);
      CREATE TABLE run_stages (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_ms INTEGER,
        error TEXT,
        progress TEXT,
        note TEXT,
        output TEXT,
        PRIMARY KEY (run_id, name)
      );
    `,
  },
  {
    version: 2,
    sql: `
      ALTER TABLE runs ADD COLUMN lease_owner TEXT;
      ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

/** Brings the schema up to SCHEMA_VERSION; each migration runs in its own write-locked transaction, once, whoever runs it first. */
export function migrate(db: Database): { from: number; to: number } {
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > SCHEMA_VERSION) {
    throw new TfError('CONFIG_INVALID', `run database schema version ${from} is newer than this TFactory knows (${SCHEMA_VERSION})`, {
      details: { from, known: SCHEMA_VERSION },
      hint: 'upgrade TFactory, or point TFACTORY_DB at another file',
    });
  }
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      // Several processes may open a new database at once: the version read above may be stale by
      // the time this one holds the write lock, so it is read again under the lock.
      if (Number(db.pragma('user_version', { simple: true })) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: SCHEMA_VERSION };
}
