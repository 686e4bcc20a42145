import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import type { RunExecutor } from '../../src/runs/executor.js';
import { createRunService } from '../../src/runs/run-service.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { requireDocker } from '../helpers/docker.js';
import { waitFor } from './fixtures/gates.js';
import { makeRequest } from './fixtures/requests.js';

const hasDocker = requireDocker();
const IMAGE = 'tfactory/debian-bootstrap:bookworm';
const label = `tfactory.test=runs-cancel-${randomUUID()}`;

function containers(all: boolean): string[] {
  const out = execFileSync('docker', ['ps', ...(all ? ['-a'] : []), '-q', '--filter', `label=${label}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe.skipIf(!hasDocker)('cancel reaches a container the executor started', () => {
  afterAll(() => {
    const left = hasDocker ? containers(true) : [];
    if (left.length > 0) execFileSync('docker', ['rm', '-f', ...left]);
  });

  it('a cancel kills the in-flight `docker run` through the signal and leaves no container', async () => {
    const outcome: { exitedBy?: string } = {};
    // The executor runs a long container with the run's signal, as the sandbox adapter would.
    const executor: RunExecutor = (_run, ctx) =>
      new Promise((resolve, reject) => {
        const child = spawn('docker', ['run', '--rm', '--init', '--label', label, IMAGE, 'sleep', '600'], { signal: ctx.signal, stdio: 'ignore' });
        child.on('error', () => {}); // the AbortError: the exit below settles the promise
        child.on('exit', (code, sig) => {
          outcome.exitedBy = sig ?? `code ${code}`;
          if (ctx.signal.aborted) reject(ctx.signal.reason);
          else resolve({});
        });
      });
    const store = openSqliteRunStore({ path: ':memory:' });
    const service = createRunService({ store, executor, concurrency: 1, log: silentLogger() });
    try {
      await service.start();
      const { run } = await service.submit(makeRequest());
      await waitFor(() => (containers(false).length === 1 ? true : undefined), 'the container to run', 3000);
      await service.cancel(run.id, 'cancelled by test');
      await service.idle();
      // the CLI got SIGTERM and passed it to the container (exit 143 = 128 + SIGTERM)
      expect(['SIGTERM', 'code 143']).toContain(outcome.exitedBy);
      expect((await service.get(run.id))?.status).toBe('cancelled');
      // --rm removal happens in the engine right after the exit
      await waitFor(() => (containers(true).length === 0 ? true : undefined), 'the container to be removed', 1000);
      expect(containers(true)).toEqual([]);
    } finally {
      await service.stop({ abort: true });
      await store.close();
    }
  });
});
