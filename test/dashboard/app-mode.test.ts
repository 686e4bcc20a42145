import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { Probot, ProbotOctokit, Server } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppDashboard, runPageUrl } from '../../src/dashboard/app-mount.js';
import { createApp } from '../../src/github/app.js';
import { silentLogger } from '../../src/logger.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { createRunService } from '../../src/runs/run-service.js';
import type { RunStore } from '../../src/runs/store.js';
import { useHttpMocks } from '../helpers/http-mock.js';
import { githubSource, localSource, makeRequest } from '../runs/fixtures/requests.js';
import { browserlessClient, csrfOf, hostileReport, silentLog, storeFinishedRun } from './helpers.js';

useHttpMocks();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const ENV = { GITHUB_CLIENT_ID: 'Iv1.dashclient', GITHUB_CLIENT_SECRET: 'client-secret-value', TFACTORY_PUBLIC_URL: 'https://tf.example.com/' };
const USER_TOKEN = 'ghu_UserToServerToken0123456789';

interface Running {
  origin: string;
  store: RunStore;
  stop(): Promise<void>;
}

/** The App on Probot's own server, with the dashboard mounted through `addHandler`. */
async function startApp(env: NodeJS.ProcessEnv): Promise<Running> {
  const store = openSqliteRunStore({ path: ':memory:' });
  const service = createRunService({ store, executor: async () => ({}), concurrency: 1, log: silentLog });
  const server = new Server({
    Probot: Probot.defaults({ appId: 2, privateKey, secret: 'webhook-secret', log: silentLogger(), Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }) }),
    port: 0,
    host: '127.0.0.1',
    log: silentLogger(),
  });
  await server.load(createApp({
    runService: service,
    renderMarkdown: () => '',
    httpHandler: createAppDashboard({ env, runs: service, stageOutputs: (id) => store.stageOutputs(id), log: silentLog }),
  }));
  const http = await server.start();
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    store,
    async stop() {
      http.closeAllConnections();
      await server.stop();
      await service.stop();
      await store.close();
    },
  };
}

/** One request on a fresh connection (servers of earlier tests may have had this port). */
function fetchFresh(url: string, method = 'GET'): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolveStatus, reject) => {
    request(url, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolveStatus({ status: res.statusCode, body }));
    }).on('error', reject).end(method === 'POST' ? '{}' : undefined);
  });
}

async function statusOf(url: string, method = 'GET'): Promise<number | undefined> {
  return (await fetchFresh(url, method)).status;
}

let app: Running | undefined;
beforeEach(() => {
  nock.enableNetConnect('127.0.0.1');
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function signIn(c: ReturnType<typeof browserlessClient>): Promise<void> {
  const first = await c.get('/tfactory/runs/rw-run');
  expect(first.status).toBe(303);
  const login = await c.get(first.headers.get('location') ?? '');
  expect(login.status).toBe(302);
  const authorize = new URL(login.headers.get('location') ?? '');
  expect(authorize.origin + authorize.pathname).toBe('https://github.com/login/oauth/authorize');
  expect(authorize.searchParams.get('client_id')).toBe('Iv1.dashclient');
  expect(authorize.searchParams.get('redirect_uri')).toBe('https://tf.example.com/tfactory/auth/callback');
  const state = authorize.searchParams.get('state') ?? '';
  expect(state.length).toBeGreaterThan(20);
  // A callback with another state (a forged link) is refused and asks nothing of GitHub.
  expect((await c.get('/tfactory/auth/callback?code=x&state=forged')).status).toBe(400);
  const again = new URL((await c.get('/tfactory/login?next=%2Ftfactory%2Fruns%2Frw-run')).headers.get('location') ?? '');
  nock('https://github.com')
    .post('/login/oauth/access_token', { client_id: 'Iv1.dashclient', client_secret: 'client-secret-value', code: 'the-code', redirect_uri: 'https://tf.example.com/tfactory/auth/callback' })
    .reply(200, { access_token: USER_TOKEN, token_type: 'bearer', scope: '' });
  nock('https://api.github.com', { reqheaders: { authorization: `Bearer ${USER_TOKEN}` } }).get('/user').reply(200, { login: 'octocat', id: 583231 });
  const back = await c.get(`/tfactory/auth/callback?code=the-code&state=${again.searchParams.get('state') ?? ''}`);
  expect(back.status).toBe(303);
  expect(back.headers.get('location')).toBe('/tfactory/runs/rw-run');
  expect(back.headers.get('set-cookie')).toMatch(/; Path=\/tfactory; HttpOnly; SameSite=Lax; Secure$/);
}

describe('the dashboard on the App server (/tfactory/)', () => {
  it('signs in with GitHub; shows runs of readable repositories only; actions need write access; no token reaches a page', async () => {
    app = await startApp(ENV);
    await storeFinishedRun(app.store, 'read-run', makeRequest({ source: githubSource(7, 'acme', 'shop') }), hostileReport('read-run'));
    await storeFinishedRun(app.store, 'rw-run', makeRequest({ source: githubSource(8, 'acme', 'tools') }), hostileReport('rw-run'));
    await storeFinishedRun(app.store, 'hidden-run', makeRequest({ source: githubSource(9, 'acme', 'secret') }));
    await storeFinishedRun(app.store, 'local-run', makeRequest({ source: localSource('/srv/x'), trigger: { kind: 'cli' } }));
    const c = browserlessClient(app.origin);
    await signIn(c);

    // Each repository's permission is asked once (then cached), with the user's own token.
    const api = nock('https://api.github.com', { reqheaders: { authorization: `Bearer ${USER_TOKEN}` } });
    api.get('/repos/acme/tools').reply(200, { full_name: 'acme/tools', permissions: { admin: false, maintain: false, push: true, triage: true, pull: true } });
    api.get('/repos/acme/shop').reply(200, { full_name: 'acme/shop', permissions: { admin: false, maintain: false, push: false, triage: false, pull: true } });
    api.get('/repos/acme/secret').reply(404, { message: 'Not Found' });

    const rw = await (await c.get('/tfactory/runs/rw-run')).text();
    expect(rw).toContain('Signed in as <strong>octocat</strong>');
    expect(rw).toContain('Run again');
    const list = await (await c.get('/tfactory/')).text();
    expect(list).toContain('href="/tfactory/runs/read-run"');
    expect(list).toContain('href="/tfactory/runs/rw-run"');
    expect(list).not.toContain('hidden-run');
    expect(list).not.toContain('local-run');
    expect((await c.get('/tfactory/runs/hidden-run')).status).toBe(404);
    expect((await c.get('/tfactory/runs/local-run')).status).toBe(404);
    const read = await (await c.get('/tfactory/runs/read-run')).text();
    expect(read).not.toContain('Run again');
    expect((await c.post('/tfactory/runs/read-run/rerun', { csrf: csrfOf(rw) })).status).toBe(403);
    const rerun = await c.post('/tfactory/runs/rw-run/rerun', { csrf: csrfOf(rw) });
    expect(rerun.headers.get('location')).toMatch(/^\/tfactory\/runs\/[0-9a-f-]{36}\?done=rerun$/);
    for (const body of [rw, list, read]) {
      expect(body).not.toContain(USER_TOKEN);
      expect(body).not.toContain('client-secret-value');
    }

    // Sign-out ends the session's access.
    expect((await c.post('/tfactory/logout', { csrf: csrfOf(rw) })).status).toBe(303);
    expect((await c.get('/tfactory/')).status).toBe(303);
  });

  it('leaves Probot\'s own routes alone', async () => {
    app = await startApp(ENV);
    expect(await statusOf(`${app.origin}/api/github/webhooks`, 'POST')).toBe(400); // Probot's webhook handler: no signature
    expect(await statusOf(`${app.origin}/elsewhere`)).toBe(404);
  });

  it('without its settings, says which variables to set (names only) and nothing else changes', async () => {
    app = await startApp({ TFACTORY_PUBLIC_URL: 'not a url' });
    const { status, body } = await fetchFresh(`${app.origin}/tfactory/`);
    expect(status).toBe(503);
    expect(body).toContain('GITHUB_CLIENT_ID');
    expect(body).toContain('GITHUB_CLIENT_SECRET');
    expect(body).toContain('TFACTORY_PUBLIC_URL');
    expect(body).not.toContain('not a url');
  });

  it('links a run page from TFACTORY_PUBLIC_URL', () => {
    expect(runPageUrl('https://tf.example.com/', 'r 1')).toBe('https://tf.example.com/tfactory/runs/r%201');
    expect(runPageUrl(undefined, 'r1')).toBeUndefined();
    expect(runPageUrl('javascript:x', 'r1')).toBeUndefined();
  });
});
