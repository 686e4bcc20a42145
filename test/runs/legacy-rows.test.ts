import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { makeRequest } from './fixtures/requests.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('runs stored before settings were', () => {
  it('are read with settings resolved from their old options and the server env; their report gets them too', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tf-legacy-'));
    const path = join(dir, 'runs.db');
    const first = openSqliteRunStore({ path });
    const { run } = await first.create({ id: 'run-old', request: makeRequest(), subjectKey: 's', createdAt: '2026-01-01T00:00:00Z' });
    await first.close?.();

    // Rewrite the row as an older version stored it: settings inside options, a report without settings.
    const { settings: _dropped, ...oldRequest } = run.request;
    const db = new Database(path);
    db.prepare('UPDATE runs SET request = ?, report = ? WHERE id = ?').run(
      JSON.stringify({ ...oldRequest, options: { specId: 'x', evaluation: { stabilityRuns: 2 }, maxTests: 20, commitFlagged: true } }),
      JSON.stringify({ schemaVersion: 1, notes: [] }),
      'run-old',
    );
    db.close();

    const store = openSqliteRunStore({ path, settingsEnv: { llm: { provider: 'openai', model: 'llama3' }, openai: { baseUrl: 'http://m:1/v1' } } });
    const read = await store.get('run-old');
    await store.close?.();
    expect(read?.request.options).toEqual({ specId: 'x' });
    expect(read?.request.settings).toMatchObject({
      maxTests: 20, commitFlagged: true, evaluation: { stabilityRuns: 2, mutation: true, judge: true },
      model: { provider: 'openai', id: 'llama3', baseUrl: 'http://m:1/v1' },
    });
    expect(read?.report?.settings).toEqual(read?.request.settings);
  });
});
