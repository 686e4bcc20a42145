import { describe, expect, it, vi } from 'vitest';
import { announceRun } from '../../src/github/run-source.js';
import type { Run } from '../../src/runs/types.js';
import { makeReport } from '../fakes/reports.js';
import { testSettings } from '../fakes/settings.js';
import { createTestApp, github, mockInstallationToken, sentRequests, useGithubMocks, type TestApp } from './harness.js';

useGithubMocks();

/**
 * The check run as a state machine: created queued, progress only while not completed, completion
 * final; whatever ends a run (success, failure, supersede, cancel, crash recovery), its check run
 * ends completed with a line saying why.
 */

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const BASE = `/repos/${OWNER}/${REPO}`;
const HEAD = 'c'.repeat(40);

async function submit(app: TestApp, key: string): Promise<Run> {
  const { run } = await app.runs.submit({
    source: { kind: 'github', owner: OWNER, repo: REPO, pullNumber: 2, installationId: 1, headRepoFullName: `${OWNER}/${REPO}`, headRef: 'changes', baseRef: 'master', headSha: HEAD },
    trigger: { kind: 'label', actor: 'Codertocat' },
    options: {},
    settings: testSettings(),
    idempotencyKey: key,
  });
  return run;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are read field by field
function bodies(method: string, path: string): any[] {
  return sentRequests().filter((r) => r.method === method && r.path.split('?')[0] === path).map((r) => JSON.parse(r.body));
}

async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('check run lifecycle', () => {
  it('drops progress that arrives after the publisher completed the check run', async () => {
    const app = await createTestApp({ progressIntervalMs: 0 });
    const run = await submit(app, 'late');
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 1, check_runs: [{ id: 61, status: 'queued', external_id: run.id }] });
    scope.patch(`${BASE}/check-runs/61`).times(2).reply(200, { id: 61 });
    scope.get(`${BASE}/issues/2/comments`).query(true).reply(200, []);
    scope.post(`${BASE}/issues/2/comments`).reply(201, { id: 5, html_url: 'https://github.com/c/2#issuecomment-5' });

    app.runs.enterStage(run, 'publish');
    await vi.waitFor(() => expect(bodies('PATCH', `${BASE}/check-runs/61`)).toHaveLength(1), { timeout: 30_000 });
    await app.runtime.publisher.publish(run, makeReport({ accepted: 0 }, run.id), []);
    // The stage's `done` event and a progress event come after the completion, as the worker sends them.
    app.runs.enterStage(run, 'publish');
    app.runs.progress(run, 'publish', 1, 1);
    app.runs.finish(run, 'succeeded');
    await flush();

    const patches = bodies('PATCH', `${BASE}/check-runs/61`);
    expect(patches.map((p) => p.status)).toEqual(['in_progress', 'completed']);
    // No accepted test: not a green check.
    expect(patches[1].conclusion).toBe('neutral');
  });

  it('completes the check run of a run superseded before its check run was created, after the creation', async () => {
    const app = await createTestApp();
    const run = await submit(app, 'fast-end');
    const scope = github();
    mockInstallationToken(scope);
    scope.post(`${BASE}/check-runs`).delay(50).reply(201, { id: 62 });
    scope.patch(`${BASE}/check-runs/62`).reply(200, { id: 62 });

    const octokit = await app.probot.auth(1);
    const announced = announceRun({ runService: app.runs, tracker: app.runtime.tracker }, octokit as never, run);
    run.supersededBy = 'run-9';
    app.runs.finish(run, 'superseded', { code: 'RUN_CANCELLED', message: 'superseded by run run-9' });
    await announced;
    await vi.waitFor(() => expect(bodies('PATCH', `${BASE}/check-runs/62`)).toHaveLength(1), { timeout: 30_000 });

    expect(bodies('POST', `${BASE}/check-runs`)[0]).toMatchObject({ status: 'queued', external_id: run.id });
    const [completion] = bodies('PATCH', `${BASE}/check-runs/62`);
    expect(completion).toMatchObject({ status: 'completed', conclusion: 'cancelled', output: { title: 'Superseded' } });
    expect(completion.output.summary).toMatch(/superseded by a newer run/);
  });

  it('creates a completed check run saying why when the run ended and none exists (crash recovery)', async () => {
    const app = await createTestApp();
    const run = await submit(app, 'recovered');
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    scope.post(`${BASE}/check-runs`).reply(201, { id: 63 });
    scope.get(`${BASE}/issues/2/comments`).query(true).reply(200, []);
    scope.post(`${BASE}/issues/2/comments`).reply(201, { id: 6, html_url: 'https://github.com/c/2#issuecomment-6' });

    app.runs.finish(run, 'failed', { code: 'INTERNAL', message: 'the worker stopped while the run was in evaluate (crash); it was not resumed' });
    await vi.waitFor(() => expect(bodies('POST', `${BASE}/issues/2/comments`)).toHaveLength(1), { timeout: 30_000 });

    const [created] = bodies('POST', `${BASE}/check-runs`);
    expect(created).toMatchObject({ status: 'completed', conclusion: 'failure', external_id: run.id, output: { title: 'Run failed' } });
    expect(created.output.summary).toMatch(/INTERNAL.*worker stopped/);
    // An infrastructure failure gets a short PR comment: what failed and how to retry.
    const [comment] = bodies('POST', `${BASE}/issues/2/comments`);
    expect(comment.body).toMatch(/failed:\*\* TFactory hit an internal error/);
    expect(comment.body).toMatch(/Re-run.*\/tfactory run/);
  });

  it('leaves a check run GitHub already shows completed as it is, and drops later progress', async () => {
    const app = await createTestApp({ progressIntervalMs: 0 });
    const run = await submit(app, 'done-before');
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/commits/${HEAD}/check-runs`).query(true).reply(200, { total_count: 1, check_runs: [{ id: 64, status: 'completed', external_id: run.id }] });

    app.runs.finish(run, 'cancelled', { code: 'RUN_CANCELLED', message: 'cancelled by @octocat' });
    await vi.waitFor(() => expect(app.runtime.tracker.stateOf(run.id)).toBe('completed'), { timeout: 30_000 });
    await flush();
    app.runs.enterStage(run, 'plan');
    await flush();
    expect(sentRequests().filter((r) => r.method !== 'GET' && r.path.includes('/check-runs'))).toEqual([]);
    expect(app.runtime.tracker.stateOf(run.id)).toBe('completed');
  });

  it('completes a cancelled run with the reason', async () => {
    const app = await createTestApp();
    const run = await submit(app, 'cancel');
    const scope = github();
    mockInstallationToken(scope);
    scope.post(`${BASE}/check-runs`).reply(201, { id: 65 });
    scope.patch(`${BASE}/check-runs/65`).reply(200, { id: 65 });
    const octokit = await app.probot.auth(1);
    await announceRun({ runService: app.runs, tracker: app.runtime.tracker }, octokit as never, run);
    app.runs.finish(run, 'cancelled', { code: 'RUN_CANCELLED', message: 'cancelled by @octocat' });
    await vi.waitFor(() => expect(bodies('PATCH', `${BASE}/check-runs/65`)).toHaveLength(1), { timeout: 30_000 });
    expect(bodies('PATCH', `${BASE}/check-runs/65`)[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled', output: { title: 'Cancelled', summary: expect.stringMatching(/cancelled by @octocat/) } });
  });
});
