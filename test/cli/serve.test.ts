import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run as serve } from '../../src/cli/commands/serve.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { isLoopbackHost, loopbackHostHeaders } from '../../src/dashboard/serve.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { storeFinishedRun } from '../dashboard/helpers.js';
import { sampleReport } from '../fakes/reports.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function io(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd(), isTty: false };
}

describe('tfactory serve', () => {
  it('serves the runs of TFACTORY_DB on loopback until stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-serve-'));
    dirs.push(dir);
    const db = join(dir, 'runs.db');
    const store = openSqliteRunStore({ path: db });
    await storeFinishedRun(store, 'run-abc', undefined, sampleReport());
    await store.close();
    const cli = io({ TFACTORY_DB: db, PATH: process.env.PATH });
    let stop: () => void = () => undefined;
    const until = new Promise<void>((r) => {
      stop = r;
    });
    const done = serve(['--port', '0'], cli, until);
    for (let i = 0; i < 100 && !cli.err.join('').includes('Ctrl-C'); i += 1) await new Promise((r) => setTimeout(r, 20));
    const line = cli.err.join('');
    expect(line).toContain(`runs from ${db}`);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/tfactory\/)/.exec(line)?.[1] ?? '';
    const list = await (await fetch(url)).text();
    expect(list).toContain('href="/tfactory/runs/run-abc"');
    const root = await fetch(new URL('/', url), { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/tfactory/');
    const page = await (await fetch(`${url}runs/run-abc`)).text();
    expect(page).toContain('Acceptance criteria');
    expect(page).toContain('start the dashboard with: tfactory serve --worker');
    // Another name for this address (a DNS-rebinding page) gets nothing.
    const status = await new Promise<number | undefined>((resolveStatus, reject) => {
      request(url, { headers: { host: `evil.example:${new URL(url).port}` } }, (res) => {
        res.resume();
        resolveStatus(res.statusCode);
      }).on('error', reject).end();
    });
    expect(status).toBe(421);
    stop();
    expect(await done).toBe(0);
  });

  it('refuses a non-loopback host without a token, and a short token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-serve-'));
    dirs.push(dir);
    const refused = io({ TFACTORY_DB: join(dir, 'runs.db') });
    expect(await main(['serve', '--host', '0.0.0.0', '--port', '0'], refused)).toBe(2);
    expect(refused.err.join('')).toMatch(/refusing to serve the dashboard on 0\.0\.0\.0 without a token[^\n]*\n {2}fix: set TFACTORY_SERVE_TOKEN/);
    const short = io({ TFACTORY_DB: join(dir, 'runs.db'), TFACTORY_SERVE_TOKEN: 'short' });
    expect(await main(['serve', '--host', '0.0.0.0', '--port', '0'], short)).toBe(2);
    expect(short.err.join('')).toContain('TFACTORY_SERVE_TOKEN is too short');
    expect(await main(['serve', '--port', 'x'], io({}))).toBe(2);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com', '::'].some(isLoopbackHost)).toBe(false);
    expect(loopbackHostHeaders('127.0.0.1', 3100)).toEqual(['localhost:3100', '127.0.0.1:3100', '[::1]:3100']);
  });
});
