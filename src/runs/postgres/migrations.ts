/**
 * Schema versions of the PostgreSQL run store, applied in order under an advisory lock (several
 * processes may start at once); `tfactory_schema.version` is the last one applied. The columns are
 * those of the SQLite store (runs/rows.ts reads both): JSON as text, times as ISO-8601 text.
 */
export const PG_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE tfactory_runs (
        seq BIGSERIAL PRIMARY KEY,
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
        finished_at TEXT,
        lease_owner TEXT,
        lease_expires_at TEXT,
        heartbeat_at TEXT
      );
      CREATE INDEX tfactory_runs_by_status ON tfactory_runs (status, seq);
      CREATE INDEX tfactory_runs_by_subject ON tfactory_runs (subject_key, status);
      CREATE TABLE tfactory_run_stages (
        run_id TEXT NOT NULL REFERENCES tfactory_runs (id) ON DELETE CASCADE,
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
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

/** Any number above is ours: one advisory lock key for the store's migrations. */
export const MIGRATION_LOCK = 7_242_015;
