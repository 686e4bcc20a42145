import { afterEach, describe, expect, it } from 'vitest';
import { escapeHtml, html, safeHref } from '../../src/dashboard/html.js';
import { localAccess } from '../../src/dashboard/local-access.js';
import { makeRequest, localSource } from '../runs/fixtures/requests.js';
import { browserlessClient, csrfOf, HOSTILE_CODE, HOSTILE_CRITERION, HOSTILE_NAME, hostileReport, startTestDashboard, storeFinishedRun, type TestDashboard } from './helpers.js';

let dash: TestDashboard | undefined;
afterEach(async () => {
  await dash?.close();
  dash = undefined;
});

describe('html', () => {
  it('escapes every interpolated value, keeps our own markup', () => {
    const out = html`<p title="${'"><x>'}">${HOSTILE_NAME}${html`<b>${'&'}</b>`}</p>`.text;
    expect(out).toBe(`<p title="&quot;&gt;&lt;x&gt;">${escapeHtml(HOSTILE_NAME)}<b>&amp;</b></p>`);
    expect(out).not.toContain('<script>');
    expect(escapeHtml(`<>&"'\``)).toBe('&lt;&gt;&amp;&quot;&#39;&#96;');
  });

  it('lets only http(s) and same-site links through', () => {
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref('//evil.example/x')).toBe('#');
    expect(safeHref('/runs/1')).toBe('/runs/1');
    expect(safeHref('https://github.com/a/b/pull/1')).toBe('https://github.com/a/b/pull/1');
  });
});

describe('the dashboard over a real run store', () => {
  it('lists runs with their counts and filters them, 25 to a page', async () => {
    dash = await startTestDashboard();
    for (let i = 0; i < 27; i += 1) {
      await storeFinishedRun(dash.store, `run-${String(i).padStart(2, '0')}`, makeRequest(i % 2 === 0 ? {} : { source: localSource(`/work/proj-${i}`), trigger: { kind: 'cli' } }), hostileReport('x'));
    }
    const c = browserlessClient(dash.url);
    const first = await (await c.get('/')).text();
    expect(first).toContain('27 runs, page 1 of 2');
    expect((first.match(/<tr>/g) ?? []).length).toBe(1 + 25);
    expect(first).toContain('acme/shop');
    const { accepted, flagged, rejected } = hostileReport('x').summary;
    expect(first).toContain(`${accepted} / ${flagged} / ${rejected}`);
    expect(first).toContain('rel="next" href="/?page=2"');
    const second = await (await c.get('/?page=2')).text();
    expect((second.match(/<tr>/g) ?? []).length).toBe(1 + 2);
    const cli = await (await c.get('/?trigger=cli')).text();
    expect(cli).toContain('13 runs');
    expect(cli).not.toContain('acme/shop');
    const byRepo = await (await c.get('/?repo=proj-1')).text();
    expect(byRepo).toMatch(/proj-1\b/);
    expect(byRepo).not.toContain('proj-2');
    const none = await (await c.get('/?status=failed')).text();
    expect(none).toContain('No run matches these filters');
  });

  it('shows a run with its stages, tests, code, criteria and what was published, all escaped', async () => {
    dash = await startTestDashboard();
    const report = hostileReport('r1');
    const evil = report.tests.find((t) => t.name === HOSTILE_NAME);
    await storeFinishedRun(dash.store, 'r1', makeRequest(), report, { [evil?.id ?? '']: HOSTILE_CODE });
    const c = browserlessClient(dash.url);
    const res = await c.get('/runs/r1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await res.text();
    expect(page).not.toMatch(/<script>|<img |<iframe|<svg|href="javascript:/i);
    expect(page).toContain(escapeHtml(HOSTILE_CODE));
    expect(page).toContain(escapeHtml(HOSTILE_CRITERION));
    expect(page).toContain('4 of 7 (4 by assertion, 0 by crash); 1 survived, 2 not reached');
    expect(page).toContain('fails on the base, passes on the change');
    expect(page).toMatch(/data-stage="evaluate" data-status="done"/);
    expect(page).toContain('1.5 s');
    expect(page).toContain('Comment on <a href="https://github.com/acme/shop/pull/7"');
    expect(page).toContain('Check run on <code>aaaaaaaaaaaa</code>');
    expect(page).not.toContain('data-events='); // finished: no live stream
    const md = await c.get('/runs/r1/report.md');
    expect(md.headers.get('content-type')).toContain('text/markdown');
    expect(md.headers.get('content-disposition')).toBe('attachment; filename="tfactory-r1.md"');
    expect(await md.text()).toContain('## TFactory report');
    const json = (await (await c.get('/runs/r1/report.json')).json()) as { run: { id: string } };
    expect(json.run.id).toBe('r1');
  });

  it('answers 404 for an unknown run and leaves paths outside its base to the server', async () => {
    dash = await startTestDashboard({ base: '/tfactory' });
    const c = browserlessClient(dash.url.replace('/tfactory', ''));
    expect((await c.get('/tfactory/runs/nope')).status).toBe(404);
    expect((await c.get('/tfactory')).headers.get('location')).toBe('/tfactory/');
    expect((await c.get('/api/github/webhooks')).status).toBe(418);
    expect((await c.get('/tfactory/assets/dashboard.js')).headers.get('content-type')).toContain('javascript');
  });

  it('cancels only with the session CSRF token and from our own origin', async () => {
    dash = await startTestDashboard();
    await dash.service.submit(makeRequest({ idempotencyKey: 'q1' }));
    const [queued] = await dash.store.list();
    const id = queued?.id ?? '';
    const c = browserlessClient(dash.url);
    const page = await (await c.get(`/runs/${id}`)).text();
    expect(page).toContain('Cancel run');
    expect(page).toContain(`data-events="/runs/${id}/events"`);
    expect((await c.post(`/runs/${id}/cancel`, { csrf: 'forged' })).status).toBe(403);
    expect((await c.post(`/runs/${id}/cancel`, { csrf: csrfOf(page) }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await dash.store.get(id))?.status).toBe('queued');
    const ok = await c.post(`/runs/${id}/cancel`, { csrf: csrfOf(page) }, { origin: dash.url });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/runs/${id}?done=cancelled`);
    expect((await dash.store.get(id))?.status).toBe('cancelled');
    const after = await (await c.get(`/runs/${id}?done=cancelled`)).text();
    expect(after).toContain('The run was cancelled.');
    expect(after).not.toContain('Cancel run');
  });

  it('offers "Run again" only when a worker will carry it out, and then starts it', async () => {
    dash = await startTestDashboard({ rerun: { enabled: false, note: 'start it with --worker' } });
    await storeFinishedRun(dash.store, 'done-1');
    await dash.service.submit(makeRequest({ idempotencyKey: 'q2' }));
    const c = browserlessClient(dash.url);
    const [queued] = await dash.store.list({ status: ['queued'] });
    const csrf = csrfOf(await (await c.get(`/runs/${queued?.id ?? ''}`)).text());
    let page = await (await c.get('/runs/done-1')).text();
    expect(page).not.toContain('Run again');
    expect(page).toContain('start it with --worker');
    expect((await c.post('/runs/done-1/rerun', { csrf })).status).toBe(403);
    await dash.close();

    dash = await startTestDashboard();
    await storeFinishedRun(dash.store, 'done-2');
    const c2 = browserlessClient(dash.url);
    page = await (await c2.get('/runs/done-2')).text();
    const res = await c2.post('/runs/done-2/rerun', { csrf: csrfOf(page) });
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/runs\/[0-9a-f-]{36}\?done=rerun$/);
    const newId = location.slice('/runs/'.length, location.indexOf('?'));
    const rerun = await dash.store.get(newId);
    expect(rerun?.request.trigger).toEqual({ kind: 'rerun', actor: 'local' });
  });

  it('with a token, asks for it (never in the URL) and keeps the session after sign-in', async () => {
    dash = await startTestDashboard({ access: localAccess({ token: 'a-long-secret-token-1234' }) });
    await storeFinishedRun(dash.store, 'r1');
    const c = browserlessClient(dash.url);
    const first = await c.get('/runs/r1');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/login?next=%2Fruns%2Fr1');
    const before = c.cookie();
    const login = await (await c.get('/login?next=%2Fruns%2Fr1')).text();
    expect(login).toContain('type="password"');
    expect((await c.post('/login', { csrf: csrfOf(login), token: 'wrong', next: '/runs/r1' })).status).toBe(401);
    const ok = await c.post('/login', { csrf: csrfOf(login), token: 'a-long-secret-token-1234', next: '/runs/r1' });
    expect(ok.headers.get('location')).toBe('/runs/r1');
    expect(c.cookie()).not.toBe(before); // a new session id on sign-in
    const page = await (await c.get('/runs/r1')).text();
    expect(page).toContain('Signed in as <strong>token holder</strong>');
    expect(page).not.toContain('a-long-secret-token-1234');
    expect((await c.get('/runs/r1/events')).status).toBe(200);
  });

  it('streams a running run as Server-Sent Events, within a cap on open streams', async () => {
    dash = await startTestDashboard({ maxStreams: 1 });
    await dash.service.submit(makeRequest({ idempotencyKey: 'live-1' }));
    const [queued] = await dash.store.list();
    const id = queued?.id ?? '';
    const controller = new AbortController();
    const first = await fetch(`${dash.url}/runs/${id}/events`, { signal: controller.signal });
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = first.body?.getReader();
    let text = '';
    while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader?.read())?.value);
    expect(text).toContain(`"id":"${id}","status":"queued"`);
    expect(text).not.toContain('settings'); // the live snapshot carries no request or settings
    const second = await fetch(`${dash.url}/runs/${id}/events`);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
    await dash.service.cancel(id, 'test');
    while (!text.includes('event: end')) text += new TextDecoder().decode((await reader?.read())?.value);
    expect(text).toContain('"text":"run cancelled');
    controller.abort();
  });

  it('refuses a Host header that is not its own when it says so (DNS rebinding)', async () => {
    dash = await startTestDashboard({ allowedHosts: ['127.0.0.1:1'] });
    const res = await fetch(`${dash.url}/`);
    expect(res.status).toBe(421);
  });
});
