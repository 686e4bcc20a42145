import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, expect } from 'vitest';
import { createApp, type AppDeps, type GithubRuntime } from '../../src/github/app.js';
import { silentLogger } from '../../src/logger.js';
import type { Report } from '../../src/report/types.js';
import { FakeRunService } from '../fakes/fake-run-service.js';
import { useHttpMocks } from '../helpers/http-mock.js';
import { validateGithubRequest } from '../helpers/openapi-validate.js';

export const APP_ID = 2;
export const WEBHOOK_SECRET = 'test-webhook-secret';
export const INSTALLATION_TOKEN = 'ghs_TESTTOKEN0123456789abcdefghijklmnopq';
export const API = 'https://api.github.com';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const invalidBodies: string[] = [];
const sent: Array<{ method: string; path: string; body: string }> = [];

/** Hermetic HTTP plus: every request body the app sends is checked against GitHub's OpenAPI description. */
export function useGithubMocks(): void {
  useHttpMocks();
  afterEach(() => {
    const problems = invalidBodies.splice(0);
    sent.splice(0);
    expect(problems, 'every request body must match the GitHub OpenAPI description').toEqual([]);
  });
}

/** Requests sent so far in this test (method, path, raw body). */
export function sentRequests(): ReadonlyArray<{ method: string; path: string; body: string }> {
  return sent;
}

/** A nock scope for api.github.com that records and validates what the app sends. */
export function github(): nock.Scope {
  const scope = nock(API);
  scope.on('request', (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    sent.push({ method: req.method, path: req.path, body: body ?? '' });
    invalidBodies.push(...validateGithubRequest(req.method, req.path, body));
  });
  return scope;
}

export function mockInstallationToken(scope: nock.Scope, installationId = 1): nock.Scope {
  return scope
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, { token: INSTALLATION_TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' });
}

/** `.github/tfactory.yml`: absent (404 here and in the owner's `.github` repo) or the given YAML. */
export function mockRepoConfig(scope: nock.Scope, owner: string, repo: string, yaml: string | null): nock.Scope {
  const path = `/repos/${owner}/${repo}/contents/.github%2Ftfactory.yml`;
  if (yaml === null) {
    return scope.get(path).reply(404, { message: 'Not Found' }).get(`/repos/${owner}/.github/contents/.github%2Ftfactory.yml`).reply(404, { message: 'Not Found' });
  }
  return scope.get(path).reply(200, yaml, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' });
}

export function mockPermission(scope: nock.Scope, owner: string, repo: string, user: string, permission: string): nock.Scope {
  return scope
    .get(`/repos/${owner}/${repo}/collaborators/${user}/permission`)
    .reply(200, { permission, role_name: permission, user: { login: user } });
}

/** The report renderer stand-in for these tests (the real one lives in src/report/). */
export function renderStandIn(report: Report): string {
  const rows = report.tests.map((t) => `- ${t.verdict}: ${t.name}`);
  return ['## TFactory report', '', ...rows].join('\n');
}

export interface TestApp {
  probot: Probot;
  runs: FakeRunService;
  runtime: GithubRuntime;
}

export async function createTestApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const runs = new FakeRunService();
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    secret: WEBHOOK_SECRET,
    log: silentLogger(),
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  let runtime: GithubRuntime | undefined;
  await probot.load(
    createApp({
      runService: runs,
      renderMarkdown: renderStandIn,
      appId: APP_ID,
      ...overrides,
      onReady: (r) => {
        runtime = r;
      },
    }),
  );
  if (!runtime) throw new Error('app did not report ready');
  runtimes.set(probot, runtime);
  return { probot, runs, runtime };
}

type Example = Record<string, unknown>;
let examples: Array<{ name: string; examples: Example[] }> | null = null;

/** A deep copy of an example payload from @octokit/webhooks-examples. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- example payloads are edited freely by tests
export function examplePayload(event: string, action: string, index = 0): any {
  if (!examples) examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{ name: string; examples: Example[] }>;
  const found = examples.find((e) => e.name === event)?.examples.filter((e) => e.action === action)[index];
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found);
}

const runtimes = new WeakMap<Probot, GithubRuntime>();

/** Delivers a webhook and waits for its work, which the app does after answering. */
export async function deliver(probot: Probot, name: string, payload: unknown, id = 'delivery-1'): Promise<void> {
  await probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
  await runtimes.get(probot)?.settled();
}
