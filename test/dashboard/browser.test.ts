import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nock from 'nock';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { githubAccess } from '../../src/dashboard/github-access.js';
import type { Report } from '../../src/report/types.js';
import { requireChromium } from '../helpers/chromium.js';
import { githubSource, localSource, makeRequest } from '../runs/fixtures/requests.js';
import { HOSTILE_CODE, HOSTILE_NAME, hostileReport, silentLog, startTestDashboard, steppedExecutor, storeFinishedRun, type TestDashboard } from './helpers.js';

/** Screenshots of each page, kept as the test's artefacts (git-ignored). */
export const SCREENSHOTS = resolve(process.env.TFACTORY_TEST_ARTIFACTS ?? 'test-artifacts', 'dashboard');

const chromium = requireChromium();

function codeOf(report: Report): Record<string, string> {
  return Object.fromEntries(report.tests.map((t) => [t.id, t.name === HOSTILE_NAME ? HOSTILE_CODE : `def ${t.name}():\n    assert price(100) == 90\n`]));
}

/** What a page did that it must not: a dialog, a script error, a violated CSP, an injected global. */
function watch(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (err) => problems.push(`page error: ${String(err)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { problems };
}

describe.skipIf(!chromium)('the dashboard in headless Chromium', () => {
  let browser: Browser;
  let dash: TestDashboard | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: chromium ?? '',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await dash?.close();
    dash = undefined;
  });

  it('runs list → run page → live progress while a replayed run proceeds → its report, with hostile names shown as text', async () => {
    const stepped = steppedExecutor((run) => hostileReport(run.id), codeOf);
    dash = await startTestDashboard({ executor: stepped.executor, startWorker: true, pollMs: 100 });
    await storeFinishedRun(dash.store, 'older-run', makeRequest({ source: localSource('/work/shop'), trigger: { kind: 'cli' } }), hostileReport('older-run'), codeOf(hostileReport('older-run')));
    const { run } = await dash.service.submit(makeRequest({ source: { ...githubSource(42), prTitle: `<img src=x onerror="window.__pwned=5">` } }));
    const page = await browser.newPage();
    const seen = watch(page);
    await page.setViewport({ width: 1280, height: 900 });

    await page.goto(`${dash.url}/`, { waitUntil: 'load' });
    expect(await page.$$eval('table.runs tbody tr', (rows) => rows.length)).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, '1-runs-list.png'), fullPage: true });

    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`a[href="/runs/${run.id}"]`)]);
    await page.waitForFunction("document.getElementById('live-state')?.textContent === 'Live: following this run.'");
    const stageStatus = (name: string): Promise<string | null> => page.$eval(`li[data-stage="${name}"]`, (li) => li.getAttribute('data-status'));
    expect(await stageStatus('ingest')).toBe('pending');

    // ingest, plan, generate start and finish; evaluate starts and counts two of three test files.
    for (let i = 0; i < 6; i += 1) stepped.advance();
    await page.waitForFunction(`document.querySelector('li[data-stage="evaluate"] [data-field="count"]')?.textContent === '2/3'`, { timeout: 15_000 });
    expect(await stageStatus('generate')).toBe('done');
    expect(await stageStatus('evaluate')).toBe('running');
    expect(await page.$eval('#run-status', (e) => e.textContent)).toBe('running');
    const activity = await page.$eval('#activity', (e) => e.textContent ?? '');
    expect(activity).toContain('plan done in');
    expect(activity).toContain('evaluate started');
    expect(activity).toContain('evaluate 2/3');
    expect(await page.evaluate(`(() => { const p = document.querySelector('li[data-stage="evaluate"] progress'); return [p.value, p.max]; })()`)).toEqual([2, 3]);
    await page.screenshot({ path: join(SCREENSHOTS, '2-run-live.png'), fullPage: true });

    // The rest of the run: the page reloads itself when it ends and shows the report.
    for (let i = 0; i < 4; i += 1) stepped.advance();
    await page.waitForSelector('#h-tests', { timeout: 15_000 });
    expect(await page.$eval('#run-status', (e) => e.textContent)).toBe('succeeded');
    const hostileId = `tests/test_evil.py::${HOSTILE_NAME}`;
    const shown = await page.$$eval('details.test', (blocks, id) => {
      const block = blocks.find((b) => b.querySelector('summary code')?.textContent === id);
      return block ? { name: block.querySelector('summary code')?.textContent, code: block.querySelector('pre code')?.textContent } : undefined;
    }, hostileId);
    expect(shown).toEqual({ name: hostileId, code: HOSTILE_CODE });
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.$$('main img, main iframe, main svg, main script')).toHaveLength(0);
    expect(await page.$eval('#h-published + ul', (e) => e.textContent ?? '')).toContain('Commit c0ffeec0ffee pushed to acme/shop:feature/discount');
    await page.screenshot({ path: join(SCREENSHOTS, '3-run-report.png'), fullPage: true });

    // The report downloads as Markdown and JSON.
    const md = await page.evaluate(async (href) => (await fetch(href)).text(), `/runs/${run.id}/report.md`);
    expect(md).toContain('## TFactory report');

    // On a phone: nothing wider than the screen.
    await page.setViewport({ width: 375, height: 812, isMobile: true, hasTouch: true });
    await page.reload({ waitUntil: 'load' });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, '4-run-phone.png'), fullPage: false });
    await page.goto(`${dash.url}/`, { waitUntil: 'load' });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, '5-runs-phone.png'), fullPage: false });
    expect(seen.problems).toEqual([]);
    await page.close();
  });

  describe('App mode', () => {
    let fakeGithub: Server;
    let webUrl = '';
    beforeAll(async () => {
      // The browser's side of GitHub's sign-in (the authorize page) cannot be mocked in the test
      // process: a local page plays it and sends the browser straight back with a code.
      fakeGithub = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', 'code-123');
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: back.href }).end();
      });
      await new Promise<void>((r) => fakeGithub.listen(0, '127.0.0.1', () => r()));
      const address = fakeGithub.address();
      webUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(async () => {
      await new Promise<void>((r) => fakeGithub.close(() => r()));
    });
    afterEach(() => {
      const pending = nock.pendingMocks();
      nock.cleanAll();
      nock.enableNetConnect();
      expect(pending, 'every HTTP mock must be used').toEqual([]);
    });

    it('signs in with GitHub, lists only readable repositories and answers 404 for the others', async () => {
      nock.disableNetConnect();
      nock.enableNetConnect('127.0.0.1');
      nock(webUrl).post('/login/oauth/access_token', (body: Record<string, unknown>) => body.code === 'code-123' && body.client_secret === 'secret-client').reply(200, { access_token: 'ghu_usertoken', token_type: 'bearer' });
      nock('https://api.github.com', { reqheaders: { authorization: 'Bearer ghu_usertoken' } }).get('/user').reply(200, { login: 'octocat', id: 583231 });
      nock('https://api.github.com').get('/repos/acme/shop').reply(200, { full_name: 'acme/shop', permissions: { pull: true, push: false, admin: false } });
      nock('https://api.github.com').get('/repos/acme/secret').reply(404, { message: 'Not Found' });
      dash = await startTestDashboard({ base: '/tfactory', access: (origin) => githubAccess({ clientId: 'Iv1.client', clientSecret: 'secret-client', publicUrl: origin, webUrl, log: silentLog }) });
      await storeFinishedRun(dash.store, 'shop-run', makeRequest({ source: githubSource(7, 'acme', 'shop') }), hostileReport('shop-run'));
      await storeFinishedRun(dash.store, 'secret-run', makeRequest({ source: githubSource(9, 'acme', 'secret') }), hostileReport('secret-run'));
      const page = await browser.newPage();
      const seen = watch(page);
      await page.goto(`${dash.url}/`, { waitUntil: 'load' });
      expect(new URL(page.url()).pathname).toBe('/tfactory/');
      expect(await page.$eval('header.top', (h) => h.textContent ?? '')).toContain('Signed in as octocat');
      const links = await page.$$eval('table.runs a[href^="/tfactory/runs/"]', (as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(['/tfactory/runs/shop-run']);
      await page.screenshot({ path: join(SCREENSHOTS, '6-app-runs-signed-in.png'), fullPage: true });
      const content = await page.content();
      expect(content).not.toContain('ghu_usertoken');
      expect(seen.problems).toEqual([]);
      const res = await page.goto(`${dash.url}/runs/secret-run`, { waitUntil: 'load' });
      expect(res?.status()).toBe(404);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Not found');
      expect(seen.problems.splice(0)).toEqual(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
      await page.screenshot({ path: join(SCREENSHOTS, '7-app-no-access-404.png'), fullPage: true });
      const own = await page.goto(`${dash.url}/runs/shop-run`, { waitUntil: 'load' });
      expect(own?.status()).toBe(200);
      expect(await page.$$('form[action$="/cancel"], form[action$="/rerun"]')).toHaveLength(0); // read, not write
      expect(seen.problems).toEqual([]);
      await page.close();
    });
  });
});
