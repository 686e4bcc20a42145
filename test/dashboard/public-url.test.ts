import { afterEach, describe, expect, it } from 'vitest';
import type { CandidateFile } from '../../src/pipeline/types.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { runPageUrl } from '../../src/dashboard/run-url.js';
import { silentLogger } from '../../src/logger.js';
import { createRemote, type RemoteFixture } from '../fakes/repos.js';
import { makeReport } from '../fakes/reports.js';
import { FakeRunService } from '../fakes/fake-run-service.js';
import { testSettings } from '../fakes/settings.js';
import { createTestApp, deliver, examplePayload, github, mockInstallationToken, mockPermission, mockRepoConfig, sentRequests, useGithubMocks } from '../github/harness.js';

useGithubMocks();

const PUBLIC = 'https://tf.example.com';
const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const BASE = `/repos/${OWNER}/${REPO}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are read field by field
function bodies(method: string, path: string): any[] {
  return sentRequests().filter((r) => r.method === method && r.path.startsWith(path)).map((r) => JSON.parse(r.body));
}

describe('TFACTORY_PUBLIC_URL links the run page', () => {
  let fx: RemoteFixture | undefined;
  afterEach(() => fx?.cleanup());

  it('as the queued check run\'s details link', async () => {
    const { probot, runs } = await createTestApp({ publicUrl: `${PUBLIC}/` });
    const payload = examplePayload('pull_request', 'labeled');
    payload.label.name = 'tfactory';
    payload.pull_request.labels = [{ ...payload.label }];
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`${BASE}/check-runs`).reply(201, { id: 77 });
    await deliver(probot, 'pull_request', payload, 'label-delivery');
    const run = runs.runs[0];
    expect(bodies('POST', `${BASE}/check-runs`)).toEqual([expect.objectContaining({ status: 'queued', external_id: run?.id, details_url: `${PUBLIC}/tfactory/runs/${run?.id}` })]);
  });

  it('in the PR comment and as the completed check run\'s details link', async () => {
    fx = createRemote(OWNER, REPO, 2);
    const app = await createTestApp({ gitBaseUrl: fx.baseUrl, workRoot: fx.workRoot, publicUrl: PUBLIC });
    const { run } = await app.runs.submit({
      source: { kind: 'github', owner: OWNER, repo: REPO, pullNumber: 2, installationId: 1, headRepoFullName: `${OWNER}/${REPO}`, headRef: 'changes', baseRef: 'master', headSha: fx.headSha },
      trigger: { kind: 'label', actor: 'Codertocat' }, options: {}, settings: testSettings(), idempotencyKey: 'k-public',
    });
    const scope = github();
    mockInstallationToken(scope);
    scope.get(`${BASE}/pulls/2`).reply(200, {
      number: 2, maintainer_can_modify: false,
      head: { ref: 'changes', sha: fx.headSha, repo: { full_name: `${OWNER}/${REPO}`, default_branch: 'master' } },
      base: { ref: 'master', sha: 'b'.repeat(40), repo: { full_name: `${OWNER}/${REPO}`, default_branch: 'master' } },
    });
    scope.get(`${BASE}/issues/2/comments`).query(true).reply(200, []);
    scope.post(`${BASE}/issues/2/comments`).reply(201, { id: 900, html_url: 'https://github.com/c/1#issuecomment-900' });
    scope.get(`${BASE}/commits/${fx.headSha}/check-runs`).query(true).reply(200, { total_count: 1, check_runs: [{ id: 55, name: 'TFactory', external_id: run.id }] });
    scope.patch(`${BASE}/check-runs/55`).reply(200, { id: 55 });
    const accepted: CandidateFile[] = [{ path: 'tests/test_accepted.py', content: 'def test_accept_0():\n    assert True\n', language: 'python', framework: 'pytest', origin: 'generated', acIds: ['AC#1'] }];
    await app.runtime.publisher.publish(run, makeReport({ accepted: 1 }, run.id), accepted);
    const page = `${PUBLIC}/tfactory/runs/${run.id}`;
    const [comment] = bodies('POST', `${BASE}/issues/2/comments`);
    expect(comment.body).toContain(`[run page](${page})`);
    expect(bodies('PATCH', `${BASE}/check-runs/55`).at(-1)).toMatchObject({ status: 'completed', details_url: page });
  });

  it('in MCP create_run and get_run_status', async () => {
    const runs = new FakeRunService();
    const server = createMcpServer({
      runs, log: silentLogger(), renderMarkdown: () => '', checkLocalRepo: async (p) => p,
      runPageUrl: (id) => runPageUrl('http://127.0.0.1:3100', id),
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    const created = await client.callTool({ name: 'create_run', arguments: { local: { repoPath: '/tmp/repo', base: 'main', head: 'HEAD' }, llm: 'replay:/tmp/t.json' } });
    const { id, url } = created.structuredContent as { id: string; url: string };
    expect(url).toBe(`http://127.0.0.1:3100/tfactory/runs/${id}`);
    const status = await client.callTool({ name: 'get_run_status', arguments: { runId: id } });
    expect((status.structuredContent as { url: string }).url).toBe(url);
    await client.close();
  });
});
