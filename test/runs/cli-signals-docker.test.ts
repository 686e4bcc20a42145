import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { requireDocker } from '../helpers/docker.js';
import { transpileForChild, type Transpiled } from '../helpers/transpile.js';
import { startChild } from './fixtures/child.js';
import { waitFor } from './fixtures/gates.js';

const hasDocker = requireDocker();

function containersOf(sandbox: string): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=tfactory.sandbox=${sandbox}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe.skipIf(!hasDocker)('SIGTERM stops a CLI run (a real Docker sandbox)', () => {
  let built: Transpiled;
  let dir: string;
  const sandboxes: string[] = [];
  beforeAll(() => {
    built = transpileForChild(['test/runs/fixtures/cli-run.ts']);
    dir = mkdtempSync(join(tmpdir(), 'tf-cli-signals-'));
  });
  afterAll(() => {
    const left = sandboxes.flatMap(containersOf);
    if (left.length > 0) execFileSync('docker', ['rm', '-f', ...left]);
    built?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM during evaluate: the container is stopped, the run marked interrupted with its lease released (exit 143); --resume finishes it', async () => {
    const work = join(dir, 'term');
    mkdirSync(work);
    const db = join(dir, 'term.db');
    const script = built.pathOf('test/runs/fixtures/cli-run.ts');
    const child = startChild(script, [work, 'submit'], { TFACTORY_DB: db, TF_BLOCK: 'docker' });
    const { run: id, sandbox } = await child.waitFor('evaluating');
    sandboxes.push(sandbox as string);
    await waitFor(() => (containersOf(sandbox as string).length === 1 ? true : undefined), 'the sandbox container to start', 3000);

    child.child.kill('SIGTERM');
    expect(await child.exited).toBe(143);
    expect(child.stderr()).toContain('SIGTERM: stopping the run and its containers');
    expect(child.stderr()).toContain(`run ${id as string} interrupted; carry it on with: tfactory run --resume ${id as string}`);
    expect(containersOf(sandbox as string)).toEqual([]);
    const store = openSqliteRunStore({ path: db });
    try {
      const run = await store.get(id as string);
      expect(run?.status).toBe('interrupted');
      expect(run?.lease).toBeUndefined();
      expect(run?.error?.code).toBe('RUN_INTERRUPTED');
      expect(run?.stages.map((s) => s.status)).toEqual(['done', 'skipped', 'skipped', 'pending', 'pending', 'pending']);
      expect(run?.stages[3]?.note).toBe('interrupted; resumes here');

      const resumed = startChild(script, [work, 'resume', id as string], { TFACTORY_DB: db });
      expect(await resumed.exited, resumed.stderr()).toBe(0);
      expect((await store.get(id as string))?.status).toBe('succeeded');
    } finally {
      await store.close();
    }
  });
});
