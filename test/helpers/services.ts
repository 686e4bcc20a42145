import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './transpile.js';

/**
 * The scale-out tests run against a real PostgreSQL and a real Redis (scripts/setup.sh starts both
 * on Debian as root). Locally, without one, they skip loudly; in CI (CI=true) a missing service is
 * a failure, never a silent skip (as test/helpers/docker.ts does for the engine).
 */
export const TEST_DATABASE_URL = process.env.TFACTORY_TEST_DATABASE_URL ?? 'postgres://tfactory:tfactory@127.0.0.1:5432/tfactory_test';
export const TEST_REDIS_URL = process.env.TFACTORY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Runs a short check in a child node (the test file's collection is synchronous); true when it exits 0. */
function answers(script: string, url: string): boolean {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, env: { ...process.env, CHECK_URL: url }, timeout: 10_000, stdio: 'pipe' });
  return r.status === 0;
}

const PG_CHECK = `import pg from 'pg';
const c = new pg.Client({ connectionString: process.env.CHECK_URL, connectionTimeoutMillis: 3000 });
await c.connect(); await c.query('SELECT 1'); await c.end();`;

const REDIS_CHECK = `import net from 'node:net';
const u = new URL(process.env.CHECK_URL);
const s = net.connect(Number(u.port || 6379), u.hostname);
s.setTimeout(3000, () => process.exit(1));
s.on('error', () => process.exit(1));
s.on('connect', () => s.write('PING\\r\\n'));
s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));`;

function require(what: string, ok: boolean, fix: string): boolean {
  if (!ok) {
    if (process.env.CI === 'true') throw new Error(`CI=true and ${what} does not answer: its tests must not skip in CI. ${fix}`);
    console.warn(`\n*** SKIPPING ${what} tests: it does not answer. ${fix} ***\n`);
  }
  return ok;
}

export function requirePostgres(): boolean {
  return require('PostgreSQL (TFACTORY_TEST_DATABASE_URL)', answers(PG_CHECK, TEST_DATABASE_URL), 'Run scripts/setup.sh, or set TFACTORY_TEST_DATABASE_URL.');
}

export function requireRedis(): boolean {
  return require('Redis (TFACTORY_TEST_REDIS_URL)', answers(REDIS_CHECK, TEST_REDIS_URL), 'Run scripts/setup.sh, or set TFACTORY_TEST_REDIS_URL.');
}
