import { describe, expect, it, vi } from 'vitest';
import type { Schedule } from '../../src/github/throttle.js';
import { createTestApp, github, mockInstallationToken, sentRequests, useGithubMocks } from './harness.js';
import { testSettings } from '../fakes/settings.js';

useGithubMocks();

const BASE = '/repos/Codertocat/Hello-World';
const HEAD = 'e'.repeat(40);

function manualClock() {
  let now = 0;
  const timers: Array<() => void> = [];
  const schedule: Schedule = (fn) => {
    timers.push(fn);
    return { cancel: () => timers.splice(timers.indexOf(fn), 1) };
  };
  return {
    now: () => now,
    schedule,
    advance(ms: number) {
      now += ms;
      for (const fn of timers.splice(0)) fn();
    },
    pending: () => timers.length,
  };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('check run progress', () => {
  it('follows run events: throttled in-progress updates, then the conclusion of a failed run', async () => {
    const clock = manualClock();
    const { runs } = await createTestApp({ progressIntervalMs: 5_000, now: clock.now, schedule: clock.schedule });
    const { run } = await runs.submit({
      source: { kind: 'github', owner: 'Codertocat', repo: 'Hello-World', pullNumber: 2, installationId: 1, headRepoFullName: 'Codertocat/Hello-World', headRef: 'changes', baseRef: 'master', headSha: HEAD },
      trigger: { kind: 'label' },
      options: {},
      settings: testSettings(),
      idempotencyKey: 'p1',
    });
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 1, check_runs: [{ id: 31, external_id: run.id }] });
    scope.patch(`${BASE}/check-runs/31`).times(3).reply(200, { id: 31 });

    const patchCount = () => sentRequests().filter((r) => r.method === 'PATCH').length;
    runs.enterStage(run, 'ingest'); // sent at once
    await vi.waitFor(() => expect(patchCount()).toBe(1), { timeout: 30_000 });
    runs.enterStage(run, 'plan'); // within the interval: held back
    runs.enterStage(run, 'evaluate');
    runs.progress(run, 'evaluate', 3, 7); // the latest state wins
    await flush();
    expect(patchCount()).toBe(1);
    expect(clock.pending()).toBe(1);
    clock.advance(5_000);
    await vi.waitFor(() => expect(patchCount()).toBe(2), { timeout: 30_000 });
    runs.finish(run, 'failed', { code: 'SANDBOX_FAILED', message: 'sandbox run failed' });
    await vi.waitFor(() => expect(patchCount()).toBe(3), { timeout: 30_000 });

    const bodies = sentRequests().filter((r) => r.method === 'PATCH').map((r) => JSON.parse(r.body));
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatchObject({ status: 'in_progress', output: { title: 'Running: ingest' } });
    expect(bodies[1]).toMatchObject({ status: 'in_progress', output: { title: 'Running: evaluate (3/7)' } });
    expect(bodies[1].output.summary).toMatch(/\*\*evaluate\*\* stage \(3\/7\)/);
    expect(bodies[2]).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 'Run failed' } });
    expect(bodies[2].output.summary).toMatch(/SANDBOX_FAILED/);
  });

  it('unsubscribes from the run service when stopped', async () => {
    const { runs, runtime } = await createTestApp();
    expect(runs.listenerCount).toBe(1);
    runtime.stop();
    expect(runs.listenerCount).toBe(0);
  });
});
