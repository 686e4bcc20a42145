import { afterEach, describe, expect, it } from 'vitest';
import type { CandidateFile } from '../../src/pipeline/types.js';
import type { Run } from '../../src/runs/types.js';
import { createRemote, filesContaining, git, type RemoteFixture } from '../fakes/repos.js';
import { createTestApp, github, INSTALLATION_TOKEN, mockInstallationToken, sentRequests, useGithubMocks, type TestApp } from './harness.js';
import { makeReport } from '../fakes/reports.js';
import type nock from 'nock';
import { testSettings } from '../fakes/settings.js';

useGithubMocks();

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const BASE = `/repos/${OWNER}/${REPO}`;

function candidate(path: string, content: string): CandidateFile {
  return { path, content, language: 'python', framework: 'pytest', origin: 'generated', acIds: ['AC#1'] };
}

async function submitRun(app: TestApp, headSha: string, settings = testSettings()): Promise<Run> {
  const { run } = await app.runs.submit({
    source: { kind: 'github', owner: OWNER, repo: REPO, pullNumber: 2, installationId: 1, headRepoFullName: `${OWNER}/${REPO}`, headRef: 'changes', baseRef: 'master', headSha },
    trigger: { kind: 'label', actor: 'Codertocat' },
    options: {},
    settings,
    idempotencyKey: `k-${headSha}`,
  });
  return run;
}

function pull(headSha: string, overrides: { headRepo?: string; headRef?: string; maintainerCanModify?: boolean } = {}) {
  const headRepo = overrides.headRepo ?? `${OWNER}/${REPO}`;
  return {
    number: 2,
    maintainer_can_modify: overrides.maintainerCanModify ?? false,
    head: { ref: overrides.headRef ?? 'changes', sha: headSha, repo: { full_name: headRepo, default_branch: 'master' } },
    base: { ref: 'master', sha: 'b'.repeat(40), repo: { full_name: `${OWNER}/${REPO}`, default_branch: 'master' } },
  };
}

function mockCheckRunLookup(scope: nock.Scope, headSha: string, runId: string, checkRunId: number): void {
  scope
    .get(`${BASE}/commits/${headSha}/check-runs`)
    .query(true)
    .reply(200, { total_count: 1, check_runs: [{ id: checkRunId, name: 'TFactory', external_id: runId }] });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are read field by field
function patches(checkRunId: number): any[] {
  return sentRequests().filter((r) => r.method === 'PATCH' && r.path === `${BASE}/check-runs/${checkRunId}`).map((r) => JSON.parse(r.body));
}

function commentBodies(): string[] {
  return sentRequests().filter((r) => r.method !== 'GET' && r.path.includes('/comments')).map((r) => JSON.parse(r.body).body as string);
}

describe('GitHub publisher', () => {
  let fx: RemoteFixture;
  afterEach(() => fx?.cleanup());

  it('pushes the accepted tests, writes the comment, and completes the check run with batched annotations', async () => {
    fx = createRemote(OWNER, REPO, 2);
    const app = await createTestApp({ gitBaseUrl: fx.baseUrl, workRoot: fx.workRoot });
    const run = await submitRun(app, fx.headSha);
    // 100 flagged + 20 rejected tests = 120 annotations → 50 + 50 + 20.
    const report = makeReport({ accepted: 2, flagged: 100, rejected: 20 }, run.id);
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/pulls/2`).reply(200, pull(fx.headSha));
    scope.get(`${BASE}/issues/2/comments`).query(true).reply(200, []);
    scope.post(`${BASE}/issues/2/comments`).reply(201, { id: 900, html_url: 'https://github.com/c/1#issuecomment-900' });
    mockCheckRunLookup(scope, fx.headSha, run.id, 55);
    scope.patch(`${BASE}/check-runs/55`).times(3).reply(200, { id: 55 });

    const result = await app.runtime.publisher.publish(run, report, [
      candidate('tests/test_accepted.py', 'def test_accept_0():\n    assert True\n'),
      candidate('tests/test_flagged.py', 'def test_flag_0():\n    assert True\n'),
    ]);

    // Only the file with accepted tests is committed (commitFlagged is off by default).
    const tip = git(fx.bare, 'rev-parse', 'changes');
    expect(result.commitSha).toBe(tip);
    expect(git(fx.bare, 'rev-parse', 'changes~1')).toBe(fx.headSha);
    expect(git(fx.bare, 'log', '-1', '--format=%B', 'changes')).toBe(`test: add 2 tests for 042-discounts (TFactory)\n\nTFactory-Run: ${run.id}`);
    expect(git(fx.bare, 'show', '--name-only', '--format=', 'changes')).toBe('tests/test_accepted.py');
    expect(filesContaining(fx.root, [INSTALLATION_TOKEN, Buffer.from(`x-access-token:${INSTALLATION_TOKEN}`).toString('base64')])).toEqual([]);

    const [comment] = commentBodies();
    expect(comment).toMatch(/^<!-- tfactory:report -->\n## TFactory report/);
    expect(comment).toMatch(new RegExp(`Committed the tests to \`changes\` in ${tip.slice(0, 12)}`));

    const updates = patches(55);
    expect(updates.map((u) => u.output.annotations?.length ?? 0)).toEqual([50, 50, 20]);
    expect(updates.slice(0, 2).every((u) => u.conclusion === undefined)).toBe(true);
    expect(updates[2]).toMatchObject({ status: 'completed', conclusion: 'neutral', details_url: 'https://github.com/c/1#issuecomment-900' });
    expect(updates[2].output.title).toBe('2 accepted, 100 flagged, 20 rejected · ACs 1/1 verified');
    expect(updates[2].output.text).toMatch(/## TFactory report/);
    const levels = new Set(updates.flatMap((u) => u.output.annotations.map((a: { annotation_level: string }) => a.annotation_level)));
    expect(levels).toEqual(new Set(['warning', 'notice']));
  });

  it('updates the one report comment in place on the next run', async () => {
    fx = createRemote(OWNER, REPO, 2);
    const app = await createTestApp({ gitBaseUrl: fx.baseUrl, workRoot: fx.workRoot });
    // The quality gate comes from the run's settings (the repo config was read at trigger, not again here).
    const run = await submitRun(app, fx.headSha, testSettings({ qualityGate: { minAccepted: 0, failOnRejected: false, requireAllAcsVerified: true } }));
    const report = makeReport({ accepted: 1, unverifiedAcs: 2 }, run.id);
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/pulls/2`).reply(200, pull(fx.headSha));
    scope
      .get(`${BASE}/issues/2/comments`)
      .query(true)
      .reply(200, [
        { id: 1, body: '<!-- tfactory:report --> forged by a person', user: { login: 'mallory', type: 'User' } },
        { id: 700, body: '<!-- tfactory:report -->\nold report', user: { login: 'tfactory[bot]', type: 'Bot' } },
      ]);
    scope.patch(`${BASE}/issues/comments/700`).reply(200, { id: 700, html_url: 'https://github.com/c/1#issuecomment-700' });
    mockCheckRunLookup(scope, fx.headSha, run.id, 56);
    scope.patch(`${BASE}/check-runs/56`).reply(200, { id: 56 });

    await app.runtime.publisher.publish(run, report, [candidate('tests/test_accepted.py', 'def test_accept_0():\n    pass\n')]);

    expect(sentRequests().some((r) => r.method === 'POST' && r.path.endsWith('/issues/2/comments'))).toBe(false);
    expect(commentBodies()[0]).toMatch(/Committed the tests/);
    const [done] = patches(56);
    expect(done).toMatchObject({ conclusion: 'action_required' });
    expect(done.output.annotations.map((a: { path: string; start_line: number }) => `${a.path}:${a.start_line}`)).toEqual(['specs/042/spec.md:20', 'specs/042/spec.md:21']);
  });

  it('puts the tests in the comment as a patch for a fork it cannot push to', async () => {
    fx = createRemote(OWNER, REPO, 2);
    const app = await createTestApp({ gitBaseUrl: fx.baseUrl, workRoot: fx.workRoot });
    const run = await submitRun(app, fx.headSha);
    const before = git(fx.bare, 'for-each-ref');
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/pulls/2`).reply(200, pull(fx.headSha, { headRepo: 'contributor/Hello-World', maintainerCanModify: false }));
    scope.get(`${BASE}/issues/2/comments`).query(true).reply(200, []);
    scope.post(`${BASE}/issues/2/comments`).reply(201, { id: 901, html_url: 'https://github.com/c/1#issuecomment-901' });
    mockCheckRunLookup(scope, fx.headSha, run.id, 57);
    scope.patch(`${BASE}/check-runs/57`).reply(200, { id: 57 });

    const result = await app.runtime.publisher.publish(run, makeReport({ accepted: 1 }, run.id), [candidate('tests/test_accepted.py', 'def test_accept_0():\n    pass\n')]);

    expect(result.commitSha).toBeUndefined();
    expect(git(fx.bare, 'for-each-ref')).toBe(before);
    const [comment] = commentBodies();
    expect(comment).toMatch(/cannot push to the fork contributor\/Hello-World/);
    expect(comment).toMatch(/git apply --index tfactory\.patch/);
    expect(comment).toMatch(/\+def test_accept_0\(\):/);
    expect(comment).toMatch(/TFactory-Run: run-1/);
    // Accepted tests that could not be pushed never make a green check.
    const [completion] = patches(57);
    expect(completion).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(completion.output.summary).toMatch(/tests were not pushed .*the patch is in the PR comment/);
  });

  it('never pushes to the default branch: the head branch is master', async () => {
    fx = createRemote(OWNER, REPO, 2);
    const app = await createTestApp({ gitBaseUrl: fx.baseUrl, workRoot: fx.workRoot });
    const run = await submitRun(app, fx.headSha);
    const master = git(fx.bare, 'rev-parse', 'master');
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/pulls/2`).reply(200, pull(fx.headSha, { headRef: 'master' }));
    scope.get(`${BASE}/issues/2/comments`).query(true).reply(200, []);
    scope.post(`${BASE}/issues/2/comments`).reply(201, { id: 902, html_url: 'https://github.com/c/1#issuecomment-902' });
    mockCheckRunLookup(scope, fx.headSha, run.id, 58);
    scope.patch(`${BASE}/check-runs/58`).reply(200, { id: 58 });

    await app.runtime.publisher.publish(run, makeReport({ accepted: 1 }, run.id), [candidate('tests/test_accepted.py', 'x = 1\n')]);

    expect(git(fx.bare, 'rev-parse', 'master')).toBe(master);
    expect(commentBodies()[0]).toMatch(/default branch \(master\).*never pushes there/);
  });
});
