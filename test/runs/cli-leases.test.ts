import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { transpileForChild, type Transpiled } from '../helpers/transpile.js';
import { startChild } from './fixtures/child.js';
import { waitFor } from './fixtures/gates.js';

/** `tfactory run`-like processes (test/runs/fixtures/cli-run.ts) on one SQLite file. */
describe('CLI runs on one database: each command carries out its own run only', () => {
  let built: Transpiled;
  let dir: string;
  beforeAll(() => {
    built = transpileForChild(['test/runs/fixtures/cli-run.ts']);
    dir = mkdtempSync(join(tmpdir(), 'tf-cli-leases-'));
  });
  afterAll(() => {
    built?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function work(name: string): { work: string; db: string } {
    const work = join(dir, name);
    mkdirSync(work, { recursive: true });
    return { work, db: join(dir, `${name}.db`) };
  }

  it('four commands started together on one repository and one database all succeed, each with its own run', async () => {
    const { work: w, db } = work('four');
    const script = built.pathOf('test/runs/fixtures/cli-run.ts');
    // Each plan waits until all four runs are running: their lifetimes overlap, and each start's recovery meets live runs.
    const children = Array.from({ length: 4 }, () => startChild(script, [w, 'submit'], { TFACTORY_DB: db, TF_BARRIER: '4', TFACTORY_LEASE_MS: '600' }));
    const exits = await Promise.all(children.map(async (c) => ({ code: await c.exited, line: await c.waitFor('exit').catch(() => undefined), stderr: c.stderr() })));
    for (const e of exits) expect(e.code, e.stderr).toBe(0);
    const store = openSqliteRunStore({ path: db });
    try {
      const runs = await store.list();
      expect(runs).toHaveLength(4);
      for (const [i, c] of children.entries()) {
        const exit = exits[i]?.line;
        const run = runs.find((r) => r.id === exit?.run);
        expect(run?.status).toBe('succeeded');
        expect(run?.resumes).toBe(0);
        expect(run?.lease).toBeUndefined(); // released at the end
        // the run was ingested, planned and reported by the process that submitted it, and by no other
        expect(c.lines.filter((l) => l.event === 'ingest-ran').map((l) => l.run)).toEqual([run?.id]);
        expect(children.flatMap((o) => o.lines).filter((l) => l.event === 'ingest-ran' && l.run === run?.id)).toHaveLength(1);
        expect(run?.report?.notes).toEqual([`carried out by ${c.child.pid}`]);
      }
    } finally {
      await store.close();
    }
  });

  it('a SIGKILLed command\'s run is left alone while its lease lasts, then `--resume` takes it over once and finishes it from its last stage', async () => {
    const { work: w, db } = work('killed');
    const script = built.pathOf('test/runs/fixtures/cli-run.ts');
    // A lease longer than another command's whole life here (a loaded machine starts node slowly).
    const env = { TFACTORY_DB: db, TFACTORY_LEASE_MS: '10000' };
    const killed = startChild(script, [w, 'submit'], { ...env, TF_BLOCK: 'hang' });
    const { run: id } = await killed.waitFor('evaluating');
    killed.child.kill('SIGKILL');
    await killed.exited;

    // Another command started at once: it does its own run and leaves the dead one's alone.
    const other = startChild(script, [w, 'submit'], env);
    expect(await other.exited).toBe(0);
    const store = openSqliteRunStore({ path: db });
    try {
      const held = await store.get(id as string);
      expect(held?.status).toBe('running');
      expect(held?.lease?.owner).toMatch(new RegExp(`^cli:.+:${killed.child.pid}:`));
      expect(other.lines.filter((l) => l.event === 'ingest-ran' && l.run === id)).toEqual([]);

      // Once the lease expired, `--resume` takes it: the start marks it interrupted, the resume carries it on.
      const waitMs = new Date(held?.lease?.expiresAt ?? 0).getTime() - Date.now();
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs + 50));
      const resumed = startChild(script, [w, 'resume', id as string], env);
      expect(await resumed.exited, resumed.stderr()).toBe(0);
      expect(resumed.lines.filter((l) => l.event === 'ingest-ran')).toEqual([]); // ingest's output was reused
      expect(await resumed.waitFor('reattached')).toMatchObject({ run: id });
      const done = await store.get(id as string);
      expect(done?.status).toBe('succeeded');
      expect(done?.resumes).toBe(1);
      expect(done?.error).toBeUndefined();
      expect(done?.report?.notes).toEqual([`carried out by ${resumed.child.pid}`]);

      // A finished run is not resumed again.
      const again = startChild(script, [w, 'resume', id as string], env);
      expect(await again.exited).toBe(1);
      expect(again.stderr()).toContain(`run ${id as string} is succeeded: only an interrupted run can be resumed`);
    } finally {
      await store.close();
    }
  });

  it('a second signal forces exit when the run does not stop', async () => {
    const { work: w, db } = work('force');
    const child = startChild(built.pathOf('test/runs/fixtures/cli-run.ts'), [w, 'submit'], { TFACTORY_DB: db, TF_BLOCK: 'stuck' });
    await child.waitFor('evaluating');
    child.child.kill('SIGINT');
    await waitFor(() => (child.stderr().includes('SIGINT: stopping the run') ? true : undefined), 'the first signal to be taken', 500);
    child.child.kill('SIGINT');
    expect(await child.exited).toBe(130);
    expect(child.stderr()).toContain('SIGINT again: exiting now');
  });
});
