import type { SettingsEnv } from '../config/run-settings.js';
import type { RunStore } from './store.js';
import { openSqliteRunStore } from './sqlite/sqlite-store.js';

/** The run store of the embedded default: SQLite at `dbPath` (TFACTORY_DB, see config/env.ts). */
export function openRunStore(opts: { dbPath: string; settingsEnv?: SettingsEnv }): RunStore {
  return openSqliteRunStore({ path: opts.dbPath, ...(opts.settingsEnv ? { settingsEnv: opts.settingsEnv } : {}) });
}
