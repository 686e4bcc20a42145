import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { activityBetween, activityOf } from '../../src/dashboard/activity.js';
import { githubAccess } from '../../src/dashboard/github-access.js';
import { safeReturnPath } from '../../src/dashboard/http.js';
import { createSessionStore } from '../../src/dashboard/sessions.js';
import { useHttpMocks } from '../helpers/http-mock.js';
import { makeRun, stagesWith } from '../fakes/runs.js';
import { githubSource, localSource, makeRequest } from '../runs/fixtures/requests.js';
import { silentLog } from './helpers.js';

useHttpMocks();

function signedIn(token = 'ghu_abc') {
  const session = createSessionStore().create();
  session.user = { login: 'octocat', id: 1 };
  session.userToken = token;
  return session;
}

describe('githubAccess: the user\'s own permission on the run\'s repository', () => {
  it('reads it with the user\'s token, believes it for cacheMs, then asks again', async () => {
    let now = 1_000;
    const access = githubAccess({ clientId: 'c', clientSecret: 's', publicUrl: 'https://tf.example.com', log: silentLog, cacheMs: 60_000, now: () => now });
    const session = signedIn();
    const run = makeRun({ request: makeRequest({ source: githubSource(7, 'Acme', 'Shop') }) });
    const api = nock('https://api.github.com', { reqheaders: { authorization: 'Bearer ghu_abc' } });
    api.get('/repos/Acme/Shop').reply(200, { permissions: { pull: true, push: false } });
    expect(await access.canRead(session, run)).toBe(true);
    expect(await access.canWrite(session, run)).toBe(false); // from the cache: one request
    now += 60_001;
    api.get('/repos/Acme/Shop').reply(200, { permissions: { pull: true, push: true } });
    expect(await access.canWrite(session, run)).toBe(true);
  });

  it('hides a repository GitHub answers 404 for, and does not cache a server error', async () => {
    const access = githubAccess({ clientId: 'c', clientSecret: 's', publicUrl: 'https://tf.example.com', log: silentLog });
    const session = signedIn();
    const api = nock('https://api.github.com');
    api.get('/repos/acme/secret').reply(404, { message: 'Not Found' });
    expect(await access.canRead(session, makeRun({ request: makeRequest({ source: githubSource(1, 'acme', 'secret') }) }))).toBe(false);
    api.get('/repos/acme/flaky').reply(502, 'bad gateway');
    api.get('/repos/acme/flaky').reply(200, { permissions: { pull: true } });
    const flaky = makeRun({ request: makeRequest({ source: githubSource(2, 'acme', 'flaky') }) });
    expect(await access.canRead(session, flaky)).toBe(false);
    expect(await access.canRead(session, flaky)).toBe(true);
  });

  it('shows no local run, and nothing to a session that has not signed in', async () => {
    const access = githubAccess({ clientId: 'c', clientSecret: 's', publicUrl: 'https://tf.example.com', log: silentLog });
    expect(await access.canRead(signedIn(), makeRun({ request: makeRequest({ source: localSource('/srv/x') }) }))).toBe(false);
    const anonymous = createSessionStore().create();
    expect(access.viewer(anonymous)).toBeUndefined();
    expect(await access.canRead(anonymous, makeRun())).toBe(false);
  });
});

describe('after sign-in', () => {
  it('returns only to a path of ours', () => {
    expect(safeReturnPath('/tfactory/runs/1?x=2', '/tfactory')).toBe('/tfactory/runs/1?x=2');
    for (const bad of ['https://evil.example/', '//evil.example/', '/\\evil.example/', '/tfactory\\..\\x', '/other/', '/tfactory/ x', null]) {
      expect(safeReturnPath(bad, '/tfactory'), String(bad)).toBe('/tfactory/');
    }
    expect(safeReturnPath('//evil.example/', '')).toBe('/');
    expect(safeReturnPath('/\\evil.example/', '')).toBe('/');
  });

  it('an expired user token signs the session out', async () => {
    const access = githubAccess({ clientId: 'c', clientSecret: 's', publicUrl: 'https://tf.example.com', log: silentLog });
    const session = signedIn();
    nock('https://api.github.com').get('/repos/acme/shop').reply(401, { message: 'Bad credentials' });
    expect(await access.canRead(session, makeRun())).toBe(false);
    expect(access.viewer(session)).toBeUndefined();
    expect(session.userToken).toBeUndefined();
  });
});

describe('activity lines', () => {
  it('tells what moved between two snapshots of a run', () => {
    const before = makeRun({ status: 'running', stages: stagesWith({ ingest: 'done', plan: 'running' }) });
    const after = makeRun({
      status: 'running',
      stages: stagesWith({ ingest: 'done', plan: 'done', generate: 'running' }).map((s) =>
        s.name === 'plan' ? { ...s, durationMs: 2500, finishedAt: '2025-01-01T00:00:05.000Z' } : s.name === 'generate' ? { ...s, startedAt: '2025-01-01T00:00:05.000Z', progress: { done: 1, total: 4 } } : s),
    });
    expect(activityBetween(before, after, '2025-01-01T00:00:06.000Z').map((l) => l.text)).toEqual(['plan done in 2.5 s', 'generate started', 'generate 1/4']);
    const finished = { ...after, status: 'failed' as const, error: { code: 'INTERNAL', message: 'boom' }, finishedAt: '2025-01-01T00:00:07.000Z' };
    expect(activityBetween(after, finished).map((l) => l.text)).toEqual(['run failed (boom)']);
    expect(activityOf(finished).map((l) => l.text)).toEqual(['run queued (label by octocat)', 'plan done in 2.5 s', 'generate started', 'generate 1/4', 'run failed (boom)']);
  });
});
