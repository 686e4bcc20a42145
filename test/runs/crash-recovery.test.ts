import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { transpileForChild, type Transpiled } from '../helpers/transpile.js';

type Line = Record<string, unknown> & { event: string };

/** A worker child process on the shared DB file, with its JSON lines collected as they come. */
const LEASE_MS = 1200;

function startWorker(script: string, dbPath: string, mode: 'submit' | 'resume') {
  const child: ChildProcess = spawn(process.execPath, [script, dbPath, mode, String(LEASE_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let stderr = '';
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(JSON.parse(l) as Line);
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    waiters.splice(0).forEach((w) => w());
    resolve(code);
  }));
  async function waitFor(event: string, match: (l: Line) => boolean = () => true): Promise<Line> {
    for (;;) {
      const found = lines.find((l) => l.event === event && match(l));
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited before '${event}': ${stderr}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  }
  return { child, lines, waitFor, exited, stderr: () => stderr };
}

describe('crash recovery with a real worker process', () => {
  let built: Transpiled;
  let dir: string;
  beforeAll(() => {
    built = transpileForChild(['test/runs/fixtures/crash-worker.ts']);
    dir = mkdtempSync(join(tmpdir(), 'tf-crash-'));
  });
  afterAll(() => {
    built?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes a killed worker\'s run over only once its lease expired, resumes it after its last finished stage once, then fails it on a second crash; nothing is lost', async () => {
    const script = built.pathOf('test/runs/fixtures/crash-worker.ts');
    const dbPath = join(dir, 'runs', 'tfactory.db');

    // 1st worker: ingest finishes, plan blocks; killed hard.
    const w1 = startWorker(script, dbPath, 'submit');
    const submitted = await w1.waitFor('submitted');
    const blockedId = submitted.blocked as string;
    const queuedId = submitted.queued as string;
    const ingested = await w1.waitFor('ingest-ran', (l) => l.run === blockedId);
    const planned1 = await w1.waitFor('plan-started', (l) => l.run === blockedId);
    expect(planned1.nonce).toBe(ingested.nonce);
    w1.child.kill('SIGKILL');
    await w1.exited;
    const peek = openSqliteRunStore({ path: dbPath });
    const held = await peek.get(blockedId);
    await peek.close();
    expect(held?.status).toBe('running');
    expect(held?.lease?.owner).toBe(planned1.owner);

    // 2nd worker, started at once: it leaves the run alone while the dead worker's lease lasts, then
    // resumes it at plan with ingest's output reused, not recomputed.
    const w2 = startWorker(script, dbPath, 'resume');
    const reattached = await w2.waitFor('reattached', (l) => l.run === blockedId);
    expect(reattached.at as string >= (held?.lease?.expiresAt ?? '')).toBe(true);
    const planned2 = await w2.waitFor('plan-started', (l) => l.run === blockedId);
    expect(reattached.nonce).toBe(ingested.nonce);
    expect(planned2.nonce).toBe(ingested.nonce);
    expect(planned2.resumes).toBe(1);
    expect(planned2.owner).toBe((await w2.waitFor('started')).owner);
    expect(w2.lines.filter((l) => l.event === 'ingest-ran' && l.run === blockedId)).toEqual([]);
    // meanwhile w2 carried out the queued run the dead worker never started
    expect((await w2.waitFor('finished', (l) => l.run === queuedId)).status).toBe('succeeded');
    w2.child.kill('SIGKILL');
    await w2.exited;

    // 3rd worker: a second crash in the same run fails it with a reason, once its lease expired.
    const w3 = startWorker(script, dbPath, 'resume');
    const failed = await w3.waitFor('finished', (l) => l.run === blockedId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'INTERNAL', message: 'worker crashed twice during stage plan' });
    await w3.waitFor('idle');
    expect(await w3.exited).toBe(0);
    expect(w3.lines.filter((l) => l.event === 'plan-started' && l.run === blockedId)).toEqual([]);

    const store = openSqliteRunStore({ path: dbPath });
    try {
      const run = await store.get(blockedId);
      expect(run?.status).toBe('failed');
      expect(run?.resumes).toBe(1);
      expect(run?.usage.calls).toBe(2); // one model call in each attempt at plan
      expect(run?.usage.costUsd).toBe(1);
      expect(run?.stages.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending', 'pending', 'pending']);
      expect(run?.stages[0]?.durationMs).toBeGreaterThanOrEqual(0);
      expect(run?.stages[1]?.error?.message).toBe('worker crashed twice during stage plan');
      expect(await store.stageOutputs(blockedId)).toMatchObject({ ingest: { headSha: ingested.nonce } });
      const done = await store.get(queuedId);
      expect(done?.status).toBe('succeeded');
      expect(done?.report?.run.id).toBe(queuedId);
      expect(done?.usage.calls).toBe(1);
    } finally {
      await store.close();
    }
  });
});
