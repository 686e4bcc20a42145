import type { SettingsEnv } from '../config/run-settings.js';
import type { RunStore } from './store.js';
import { openPostgresRunStore } from './postgres/postgres-store.js';
import { openSqliteRunStore } from './sqlite/sqlite-store.js';

/**
 * The run store: PostgreSQL when `databaseUrl` (DATABASE_URL) is set, shared by the App, the
 * workers, the MCP server and the CLI on any number of machines; else the embedded default,
 * SQLite at `dbPath` (TFACTORY_DB, see config/env.ts).
 */
export function openRunStore(opts: { dbPath: string; databaseUrl?: string; settingsEnv?: SettingsEnv }): RunStore {
  const settingsEnv = opts.settingsEnv ? { settingsEnv: opts.settingsEnv } : {};
  if (opts.databaseUrl) return openPostgresRunStore({ url: opts.databaseUrl, ...settingsEnv });
  return openSqliteRunStore({ path: opts.dbPath, ...settingsEnv });
}
