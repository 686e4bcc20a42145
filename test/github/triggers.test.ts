import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  API,
  createTestApp,
  deliver,
  examplePayload,
  github,
  mockInstallationToken,
  mockPermission,
  mockRepoConfig,
  sentRequests,
  useGithubMocks,
} from './harness.js';
import { testSettings } from '../fakes/settings.js';

useGithubMocks();

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const PR_PATH = `/repos/${OWNER}/${REPO}`;

function labeledPayload(label = 'tfactory') {
  const payload = examplePayload('pull_request', 'labeled');
  payload.label.name = label;
  payload.pull_request.labels = [{ ...payload.label }];
  return payload;
}

function commentPayload(body: string) {
  const payload = examplePayload('issue_comment', 'created', 3);
  payload.issue.pull_request = { url: `${API}${PR_PATH}/pulls/1`, html_url: `https://github.com/${OWNER}/${REPO}/pull/1`, diff_url: '', patch_url: '' };
  payload.comment.body = body;
  return payload;
}

function pullResponse() {
  const pr = examplePayload('pull_request', 'labeled').pull_request;
  pr.number = 1;
  return pr;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are read field by field
function body(path: string, method = 'POST'): any {
  const found = sentRequests().find((r) => r.method === method && r.path.startsWith(path));
  return found ? JSON.parse(found.body) : undefined;
}

describe('pull_request.labeled', () => {
  it('records a run and creates the queued check run at the head commit', async () => {
    const { probot, runs } = await createTestApp();
    const payload = labeledPayload();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 77 });

    await deliver(probot, 'pull_request', payload, 'label-delivery');

    expect(runs.runs).toHaveLength(1);
    const run = runs.runs[0]!;
    expect(run.request.trigger).toEqual({ kind: 'label', actor: 'Codertocat', deliveryId: 'label-delivery' });
    expect(run.request.source).toMatchObject({ kind: 'github', owner: OWNER, repo: REPO, pullNumber: 2, installationId: 1, headRef: 'changes', headSha: payload.pull_request.head.sha });
    expect(run.request.idempotencyKey).toBe('github:label-delivery:pull_request.labeled');
    expect(body(`${PR_PATH}/check-runs`)).toMatchObject({ name: 'TFactory', head_sha: payload.pull_request.head.sha, status: 'queued', external_id: run.id });
  });

  it('resolves the repo config into the run settings: stability, mutation, test cap, flagged commits, model, languages, test paths', async () => {
    const { probot, runs } = await createTestApp({ settingsEnv: { llm: { provider: 'anthropic', model: 'claude-server-default' }, openai: {} } });
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'stabilityRuns: 5\nmutation: false\nmaxTests: 7\ncommitFlagged: true\nmodel: claude-test-1\nlanguages: [python]\ntestPaths: [tests/unit]\nqualityGate:\n  minAccepted: 2\n');
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 78 });

    await deliver(probot, 'pull_request', labeledPayload(), 'label-config');

    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]!.request.options).toEqual({});
    expect(runs.runs[0]!.request.settings).toEqual({
      evaluation: { stabilityRuns: 5, mutation: false, maxMutants: 60, perTestTimeoutMs: 20_000, failToPass: true, judge: true, seed: 1234 },
      maxTests: 7,
      commitFlagged: true,
      qualityGate: { minAccepted: 2, failOnRejected: false, requireAllAcsVerified: false },
      model: { provider: 'anthropic', id: 'claude-test-1' },
      timeouts: { modelRequestMs: 180_000, modelAttempts: 3, modelCallMs: 600_000, modelStallMs: 60_000 },
      languages: ['python'],
      testPaths: ['tests/unit'],
    });
  });

  it('makes one run and one check run when the same delivery arrives twice (the second costs no request)', async () => {
    const { probot, runs } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'admin');
    scope.post(`${PR_PATH}/check-runs`).once().reply(201, { id: 77 });

    await deliver(probot, 'pull_request', labeledPayload(), 'same');
    const afterFirst = sentRequests().length;
    await deliver(probot, 'pull_request', labeledPayload(), 'same');

    expect(runs.runs).toHaveLength(1);
    expect(sentRequests()).toHaveLength(afterFirst);
    expect(sentRequests().filter((r) => r.path.endsWith('/check-runs'))).toHaveLength(1);
  });

  it('starts nothing new for the same label on the same head commit while its run is queued; a new head commit starts a run', async () => {
    const { probot, runs } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    for (let i = 0; i < 3; i++) {
      mockRepoConfig(scope, OWNER, REPO, null);
      mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    }
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${PR_PATH}/check-runs`).times(2).reply(201, { id: 79 });
    scope.post(`${PR_PATH}/issues/2/comments`).once().reply(201, { id: 3 });

    await deliver(probot, 'pull_request', labeledPayload(), 'label-a');
    await deliver(probot, 'pull_request', labeledPayload(), 'label-b');
    await deliver(probot, 'pull_request', labeledPayload(), 'label-b2');
    expect(runs.runs).toHaveLength(1);
    expect(sentRequests().filter((r) => r.path.endsWith('/check-runs'))).toHaveLength(1);
    // The PR is told once which run is in progress, not on every label.
    expect(sentRequests().filter((r) => r.path.endsWith('/issues/2/comments'))).toHaveLength(1);
    expect(body(`${PR_PATH}/issues/2/comments`).body).toMatch(new RegExp(`run \`${runs.runs[0]!.id}\` is already queued for this commit`));

    const moved = labeledPayload();
    moved.pull_request.head.sha = 'f'.repeat(40);
    await deliver(probot, 'pull_request', moved, 'label-c');
    expect(runs.runs.map((r) => (r.request.source as { headSha: string }).headSha)).toEqual([labeledPayload().pull_request.head.sha, 'f'.repeat(40)]);
  });

  it('ignores another label', async () => {
    const { probot, runs } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'label: run-tests\n');
    await deliver(probot, 'pull_request', labeledPayload('tfactory'));
    expect(runs.runs).toHaveLength(0);
  });

  it('refuses politely when the sender lacks write access', async () => {
    const { probot, runs } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'read');
    scope.post(`${PR_PATH}/issues/2/comments`).reply(201, { id: 1 });

    await deliver(probot, 'pull_request', labeledPayload());

    expect(runs.runs).toHaveLength(0);
    expect(body(`${PR_PATH}/issues/2/comments`).body).toMatch(/only be started by people with write access/);
  });

  it('ignores bot senders entirely: no request at all', async () => {
    const { probot, runs } = await createTestApp();
    const payload = labeledPayload();
    payload.sender.type = 'Bot';
    await deliver(probot, 'pull_request', payload);
    expect(runs.runs).toHaveLength(0);
    expect(sentRequests()).toHaveLength(0);
  });

  it('fails the check run with the validation messages when the config is invalid', async () => {
    const { probot, runs } = await createTestApp();
    const payload = labeledPayload();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'stabilityRuns: 50\nonPush: sometimes\nmystery: 1\n');
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 9 });

    await deliver(probot, 'pull_request', payload);

    expect(runs.runs).toHaveLength(0);
    const sentBody = body(`${PR_PATH}/check-runs`);
    expect(sentBody).toMatchObject({ name: 'TFactory', status: 'completed', conclusion: 'failure', head_sha: payload.pull_request.head.sha });
    expect(sentBody.output.summary).toMatch(/stabilityRuns/);
    expect(sentBody.output.summary).toMatch(/onPush/);
    expect(sentBody.output.summary).toMatch(/mystery/);
  });
});

describe('repo config that is not valid YAML', () => {
  it('fails the check run naming the line and column', async () => {
    const { probot, runs } = await createTestApp();
    const payload = labeledPayload();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'label: tfactory\nmaxTests: [1, 2\nmutation: false\n');
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 10 });

    await deliver(probot, 'pull_request', payload);

    expect(runs.runs).toHaveLength(0);
    const sentBody = body(`${PR_PATH}/check-runs`);
    expect(sentBody).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(sentBody.output.summary).toMatch(/\.github\/tfactory\.yml: invalid YAML at line 3, column 1: Flow sequence/);
  });
});

describe('webhook signature', () => {
  it('rejects a delivery signed with the wrong secret, before any handler runs', async () => {
    const { probot, runs } = await createTestApp();
    const payload = JSON.stringify(labeledPayload());
    const forged = `sha256=${createHmac('sha256', 'not-the-secret').update(payload).digest('hex')}`;
    await expect(probot.webhooks.verifyAndReceive({ id: 'forged', name: 'pull_request', payload, signature: forged })).rejects.toThrow(/signature/i);
    expect(runs.runs).toHaveLength(0);
    expect(sentRequests()).toHaveLength(0);
  });
});

describe('issue_comment.created', () => {
  it('costs nothing for a comment without a command', async () => {
    const { probot } = await createTestApp();
    await deliver(probot, 'issue_comment', commentPayload('Looks good to me, `/tfactory run` later maybe'));
    expect(sentRequests()).toHaveLength(0);
  });

  it('/tfactory run --spec starts a run on the PR head and acknowledges the comment', async () => {
    const { probot, runs } = await createTestApp();
    const pr = pullResponse();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.get(`${PR_PATH}/pulls/1`).reply(200, pr);
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 5 });
    scope.post(`${PR_PATH}/issues/comments/492700400/reactions`).reply(201, { id: 1, content: 'rocket' });

    await deliver(probot, 'issue_comment', commentPayload('Thanks!\n\n/TFactory run --spec "042 discounts"\n'), 'c1');

    expect(runs.runs).toHaveLength(1);
    // No config file: the defaults (3 stability runs, mutation on, 30 tests, the server's model).
    expect(runs.runs[0]!.request).toMatchObject({ trigger: { kind: 'comment', actor: 'Codertocat' } });
    expect(runs.runs[0]!.request.options).toEqual({ specId: '042 discounts' });
    expect(runs.runs[0]!.request.settings).toEqual(testSettings());
    expect(runs.runs[0]!.request.settings).toMatchObject({ maxTests: 30, evaluation: { stabilityRuns: 3, mutation: true }, commitFlagged: false });
    expect(runs.runs[0]!.request.source).toMatchObject({ pullNumber: 1, headSha: pr.head.sha });
  });

  it('/tfactory run on a head commit whose run is in progress names that run and starts nothing', async () => {
    const { probot, runs } = await createTestApp();
    const pr = pullResponse();
    const scope = github();
    mockInstallationToken(scope);
    for (let i = 0; i < 2; i++) {
      mockRepoConfig(scope, OWNER, REPO, null);
      mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
      scope.get(`${PR_PATH}/pulls/1`).reply(200, pr);
    }
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 6 });
    scope.post(`${PR_PATH}/issues/comments/492700400/reactions`).reply(201, { id: 1, content: 'rocket' });
    scope.post(`${PR_PATH}/issues/1/comments`).reply(201, { id: 2 });

    await deliver(probot, 'issue_comment', commentPayload('/tfactory run'), 'run-1');
    await deliver(probot, 'issue_comment', commentPayload('/tfactory run'), 'run-2');

    expect(runs.runs).toHaveLength(1);
    expect(body(`${PR_PATH}/issues/1/comments`).body).toMatch(new RegExp(`run \`${runs.runs[0]!.id}\` is already queued for this commit; no new run was started`));
  });

  it('answers an unknown command with the help text', async () => {
    const { probot } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${PR_PATH}/issues/1/comments`).reply(201, { id: 3 });
    await deliver(probot, 'issue_comment', commentPayload('/tfactory frobnicate'));
    const reply = body(`${PR_PATH}/issues/1/comments`).body as string;
    expect(reply).toMatch(/unknown command `frobnicate`/);
    expect(reply).toMatch(/\/tfactory run --spec/);
  });

  it('refuses a command from a user without write access', async () => {
    const { probot, runs } = await createTestApp();
    const payload = commentPayload('/tfactory run');
    payload.comment.author_association = 'CONTRIBUTOR';
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    scope.get(`${PR_PATH}/collaborators/Codertocat/permission`).reply(404, { message: 'Not Found' });
    scope.post(`${PR_PATH}/issues/1/comments`).reply(201, { id: 3 });
    await deliver(probot, 'issue_comment', payload);
    expect(runs.runs).toHaveLength(0);
    expect(body(`${PR_PATH}/issues/1/comments`).body).toMatch(/Thanks for your interest, @Codertocat/);
  });

  it('lets an allowed author association through without asking for permissions', async () => {
    const { probot, runs } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'allowedAssociations: [OWNER]\n');
    scope.post(`${PR_PATH}/issues/1/comments`).reply(201, { id: 3 });
    await deliver(probot, 'issue_comment', commentPayload('/tfactory status'));
    expect(runs.runs).toHaveLength(0);
    expect(sentRequests().some((r) => r.path.includes('/collaborators/'))).toBe(false);
    expect(body(`${PR_PATH}/issues/1/comments`).body).toMatch(/No TFactory run for this pull request yet/);
  });

  it('/tfactory status and /tfactory cancel act on the runs of this PR only', async () => {
    const { probot, runs } = await createTestApp();
    const source = { kind: 'github' as const, owner: OWNER, repo: REPO, installationId: 1, headRepoFullName: `${OWNER}/${REPO}`, headRef: 'changes', baseRef: 'master', headSha: 'a'.repeat(40) };
    const { run: mine } = await runs.submit({ source: { ...source, pullNumber: 1 }, trigger: { kind: 'label' }, options: {}, settings: testSettings(), idempotencyKey: 'k1' });
    const { run: other } = await runs.submit({ source: { ...source, pullNumber: 9 }, trigger: { kind: 'label' }, options: {}, settings: testSettings(), idempotencyKey: 'k2' });
    runs.enterStage(mine, 'evaluate');
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null).get(`${PR_PATH}/contents/.github%2Ftfactory.yml`).reply(404, {}).get(`/repos/${OWNER}/.github/contents/.github%2Ftfactory.yml`).reply(404, {});
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${PR_PATH}/issues/1/comments`).twice().reply(201, { id: 3 });

    await deliver(probot, 'issue_comment', commentPayload('/tfactory status'), 's1');
    await deliver(probot, 'issue_comment', commentPayload('/tfactory cancel'), 's2');

    const replies = sentRequests().filter((r) => r.path === `${PR_PATH}/issues/1/comments`).map((r) => JSON.parse(r.body).body as string);
    expect(replies[0]).toMatch(new RegExp(`\`${mine.id}\` is \\*\\*running\\*\\*`));
    expect(replies[0]).toMatch(/evaluate/);
    expect(replies[1]).toBe(`Cancelled \`${mine.id}\`.`);
    expect(runs.cancelled.map((c) => c.id)).toEqual([mine.id]);
    expect(other.status).toBe('queued');
  });
});

describe('check_run.rerequested', () => {
  it('runs our check run again, with a new queued check run', async () => {
    const { probot, runs } = await createTestApp();
    const source = { kind: 'github' as const, owner: 'github', repo: 'hello-world', pullNumber: 4, installationId: 1, headRepoFullName: 'github/hello-world', headRef: 'f', baseRef: 'main', headSha: 'd6fde92930d4715a2b49857d24b940956b26d2d3' };
    const settings = testSettings({ maxTests: 12 });
    const { run: first } = await runs.submit({ source, trigger: { kind: 'label' }, options: { specId: 'x' }, settings, idempotencyKey: 'first' });
    const payload = examplePayload('check_run', 'rerequested');
    payload.check_run.name = 'TFactory';
    payload.check_run.external_id = first.id;
    const scope = github();
    mockInstallationToken(scope);
    // No repo config read: the run repeats with the settings it was started with.
    scope.post('/repos/github/hello-world/check-runs').reply(201, { id: 8 });

    await deliver(probot, 'check_run', payload);

    expect(runs.runs).toHaveLength(2);
    const again = runs.runs[1]!;
    expect(again.request).toMatchObject({ options: { specId: 'x' }, trigger: { kind: 'rerequest', actor: 'octocat' } });
    expect(again.request.settings).toEqual(settings);
    expect(body('/repos/github/hello-world/check-runs')).toMatchObject({ head_sha: source.headSha, external_id: again.id, status: 'queued' });
  });

  it('starts a fresh run with the current repo config when the check run maps to no run (e.g. the failed check of an invalid config)', async () => {
    const { probot, runs } = await createTestApp();
    const payload = examplePayload('check_run', 'rerequested');
    payload.check_run.name = 'TFactory';
    payload.check_run.external_id = '';
    const pullNumber = 1;
    payload.check_run.pull_requests = [{ number: pullNumber, id: 1, url: `${API}${PR_PATH}/pulls/1`, head: { ref: 'changes', sha: 'a'.repeat(40), repo: { id: 1, name: REPO, url: '' } }, base: { ref: 'master', sha: 'b'.repeat(40), repo: { id: 1, name: REPO, url: '' } } }];
    const owner = payload.repository.owner.login;
    const repo = payload.repository.name;
    const pr = pullResponse();
    pr.number = pullNumber;
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`/repos/${owner}/${repo}/pulls/${pullNumber}`).reply(200, pr);
    mockRepoConfig(scope, owner, repo, 'maxTests: 4\n');
    scope.post(`/repos/${owner}/${repo}/check-runs`).reply(201, { id: 11 });

    await deliver(probot, 'check_run', payload, 'rerequest-fresh');

    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]!.request).toMatchObject({ trigger: { kind: 'rerequest', actor: payload.sender.login }, settings: { maxTests: 4 }, source: { pullNumber, headSha: pr.head.sha } });
    expect(body(`/repos/${owner}/${repo}/check-runs`)).toMatchObject({ status: 'queued', external_id: runs.runs[0]!.id });
  });

  it("ignores another app's check run", async () => {
    const { probot, runs } = await createTestApp();
    const payload = examplePayload('check_run', 'rerequested');
    payload.check_run.name = 'TFactory';
    payload.check_run.app.id = 999;
    payload.check_run.external_id = 'run-1';
    await deliver(probot, 'check_run', payload);
    expect(runs.runs).toHaveLength(0);
    expect(sentRequests()).toHaveLength(0);
  });
});

describe('pull_request.synchronize', () => {
  function syncPayload() {
    const payload = examplePayload('pull_request', 'synchronize');
    payload.pull_request.labels = [{ ...payload.pull_request.labels[0], name: 'tfactory' }];
    return payload;
  }

  it('runs again while the label is on when the config asks for it', async () => {
    const { probot, runs } = await createTestApp();
    const payload = syncPayload();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'onPush: rerun\n');
    scope.get(`${PR_PATH}/git/commits/${payload.pull_request.head.sha}`).reply(200, { sha: payload.pull_request.head.sha, message: 'fix: rounding' });
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${PR_PATH}/check-runs`).reply(201, { id: 10 });
    await deliver(probot, 'pull_request', payload, 'push-1');
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]!.request.trigger.kind).toBe('synchronize');
  });

  it("ignores the app's own push (trailer on the head commit)", async () => {
    const { probot, runs } = await createTestApp();
    const payload = syncPayload();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, 'onPush: rerun\n');
    scope.get(`${PR_PATH}/git/commits/${payload.pull_request.head.sha}`).reply(200, { sha: 'x', message: 'test: add 2 tests for 042 (TFactory)\n\nTFactory-Run: run-7\n' });
    await deliver(probot, 'pull_request', payload);
    expect(runs.runs).toHaveLength(0);
  });

  it('does nothing with the default onPush: ignore', async () => {
    const { probot, runs } = await createTestApp();
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    await deliver(probot, 'pull_request', syncPayload());
    expect(runs.runs).toHaveLength(0);
  });
});
