import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { renderMarkdown } from '../report/render-markdown.js';
import type { StageOutputs } from '../runs/store.js';
import type { Run, RunService } from '../runs/types.js';
import type { DashboardAccess } from './access.js';
import { CLIENT_SCRIPT, FAVICON, STYLESHEET } from './assets.js';
import { html } from './html.js';
import { readForm, redirect, securityHeaders, send, sendHtml } from './http.js';
import { page, type PageChrome } from './layout.js';
import { streamRun } from './live.js';
import { renderRunPage, type RunActions } from './pages/run-page.js';
import { parseRunsQuery, renderRunsPage } from './pages/runs-page.js';
import { createSessionStore, readCookie, sameSecret, SESSION_COOKIE, sessionCookie, type Session, type SessionStore } from './sessions.js';
import { isActive, toRunRow } from './view-model.js';

export interface DashboardOptions {
  /** Where the pages are mounted: '' for `tfactory serve`, '/tfactory' on the App's server. */
  base: string;
  runs: Pick<RunService, 'get' | 'list' | 'cancel' | 'rerun'> & Partial<Pick<RunService, 'subscribe'>>;
  /** The stages' kept outputs (test code, what publish did); read-only. */
  stageOutputs?: (id: string) => Promise<StageOutputs>;
  access: DashboardAccess;
  log: Logger;
  sessions?: SessionStore;
  /** Cookies only over HTTPS (the App behind a public https URL). */
  secureCookies?: boolean;
  /** `tfactory serve` on loopback: the Host headers it answers (a DNS-rebinding page gets 421). */
  allowedHosts?: string[];
  /** Whether a running run may be cancelled from here (the process carrying it out is this one). */
  cancelsRunning?: (run: Run) => boolean;
  /** Whether a rerun started here will be carried out; else `rerunNote` says what to do. */
  rerun?: { enabled: boolean; note?: string };
  /** How many of the newest runs the list looks at (default 2000). */
  scanLimit?: number;
  pollMs?: number;
  heartbeatMs?: number;
  /** Live streams open at once, all viewers together (default 200); past it a stream gets 503 and the browser retries. */
  maxStreams?: number;
  /** Where forms may post besides ourselves (the GitHub sign-in page): the CSP's form-action. */
  formAction?: string;
}

const ASSETS: Record<string, { type: string; body: string }> = {
  '/assets/dashboard.css': { type: 'text/css; charset=utf-8', body: STYLESHEET },
  '/assets/dashboard.js': { type: 'text/javascript; charset=utf-8', body: CLIENT_SCRIPT },
  '/assets/favicon.svg': { type: 'image/svg+xml', body: FAVICON },
};

const DONE_MESSAGES: Record<string, string> = {
  cancelled: 'The run was cancelled.',
  rerun: 'A new run was started with the same source and settings.',
  'not-cancelled': 'The run had already finished; nothing was cancelled.',
};

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

const RUN_PATH = /^\/runs\/([A-Za-z0-9._-]{1,100})(\/(?:events|report\.md|report\.json|cancel|rerun))?$/;

/**
 * The dashboard as a Node request handler: true when the request was its to answer (under `base`),
 * false otherwise (the App's server then goes on to Probot's own routes).
 */
export function createDashboardHandler(opts: DashboardOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const base = opts.base.replace(/\/+$/, '');
  const sessions = opts.sessions ?? createSessionStore();
  const scanLimit = opts.scanLimit ?? 2000;
  const cookiePath = base || '/';
  const maxStreams = opts.maxStreams ?? 200;
  let streams = 0;

  function notFound(res: ServerResponse, chrome: PageChrome): void {
    sendHtml(res, 404, page('Not found', chrome, html`<h1>Not found</h1><p>There is no such page or run, or you cannot see it. <a href="${base}/">All runs</a>.</p>`));
  }

  async function visible(session: Session, id: string): Promise<Run | undefined> {
    const run = await opts.runs.get(id);
    return run && (await opts.access.canRead(session, run)) ? run : undefined;
  }

  async function actionsFor(session: Session, run: Run): Promise<RunActions> {
    if (!(await opts.access.canWrite(session, run))) return { cancel: false, rerun: false };
    const cancel = run.status === 'queued' || (run.status === 'running' && (opts.cancelsRunning?.(run) ?? true));
    const rerun = opts.rerun?.enabled ?? true;
    const notes: string[] = [];
    if (!rerun && opts.rerun?.note) notes.push(opts.rerun.note);
    if (run.status === 'running' && !cancel) notes.push('This run is carried out by another process: stop it there (Ctrl-C in the terminal that started it).');
    return { cancel, rerun, ...(notes.length ? { note: notes.join(' ') } : {}) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const asset = ASSETS[path];
    if (asset && (method === 'GET' || method === 'HEAD')) {
      send(res, 200, asset.type, asset.body);
      return;
    }
    let session = sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (!session) {
      session = sessions.create();
      res.setHeader('Set-Cookie', sessionCookie(session.id, { path: cookiePath, secure: opts.secureCookies === true }));
    }
    const current = session;
    let form = new URLSearchParams();
    if (method === 'POST') {
      // Same-origin forms only: the CSRF token of this session, and no foreign Origin.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null' && hostOf(origin) !== req.headers.host) {
        send(res, 403, 'text/plain; charset=utf-8', 'cross-site request refused\n');
        return;
      }
      form = await readForm(req);
      if (!sameSecret(form.get('csrf') ?? '', current.csrf)) {
        sendHtml(res, 403, page('Refused', { base }, html`<h1>Refused</h1><p>This form has expired (its security token does not match your session). <a href="${base}/">Reload the runs</a> and try again.</p>`));
        return;
      }
    } else if (method !== 'GET' && method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD, POST' });
      return;
    }
    const renew = (): void => {
      sessions.renew(current);
      res.setHeader('Set-Cookie', sessionCookie(current.id, { path: cookiePath, secure: opts.secureCookies === true }));
    };
    if (await opts.access.handleAuthRoute({ req, res, path, url, session: current, form, base, renew })) return;
    const viewer = opts.access.viewer(current);
    if (!viewer) {
      if (method === 'GET' && !path.endsWith('/events')) redirect(res, `${base}/login?next=${encodeURIComponent(`${base}${path}${url.search}`)}`);
      else send(res, 401, 'text/plain; charset=utf-8', 'sign in first\n');
      return;
    }
    const chrome: PageChrome = { base, viewer, signOut: viewer.login !== 'local', csrf: current.csrf };

    if (path === '/' && method !== 'POST') {
      const runs = await opts.runs.list({ limit: scanLimit });
      const readable: Run[] = [];
      for (const run of runs) if (await opts.access.canRead(current, run)) readable.push(run);
      const now = new Date();
      sendHtml(res, 200, page('Runs', chrome, renderRunsPage(base, readable.map((r) => toRunRow(r, now)), parseRunsQuery(url.searchParams), { scanned: runs.length, scanLimit })));
      return;
    }
    const m = RUN_PATH.exec(path);
    if (!m?.[1]) return notFound(res, chrome);
    const id = m[1];
    const sub = m[2] ?? '';
    const run = await visible(current, id);
    if (!run) return notFound(res, chrome);

    if (method === 'POST') {
      const actions = await actionsFor(current, run);
      if (sub === '/cancel' && actions.cancel) {
        const after = await opts.runs.cancel(run.id, `cancelled from the dashboard by ${viewer.login}`);
        opts.log.info({ runId: run.id, by: viewer.login }, 'run cancelled from the dashboard');
        redirect(res, `${base}/runs/${encodeURIComponent(run.id)}?done=${after && !isActive(after) && after.status === 'cancelled' ? 'cancelled' : 'not-cancelled'}`);
        return;
      }
      if (sub === '/rerun' && actions.rerun) {
        const next = await opts.runs.rerun(run.id, { kind: 'rerun', actor: viewer.login });
        opts.log.info({ runId: run.id, rerun: next.id, by: viewer.login }, 'run started again from the dashboard');
        redirect(res, `${base}/runs/${encodeURIComponent(next.id)}?done=rerun`);
        return;
      }
      sendHtml(res, 403, page('Not allowed', chrome, html`<h1>Not allowed</h1><p>You cannot do that to this run (it needs write access to the repository, and a run that can still be cancelled). <a href="${base}/runs/${encodeURIComponent(run.id)}">Back to the run</a>.</p>`));
      return;
    }
    if (sub === '/events') {
      if (streams >= maxStreams) {
        send(res, 503, 'text/plain; charset=utf-8', 'too many live streams; retry shortly\n', { 'Retry-After': '5' });
        return;
      }
      streams += 1;
      res.once('close', () => {
        streams -= 1;
      });
      streamRun(req, res, run, { get: (rid) => opts.runs.get(rid), ...(opts.runs.subscribe ? { subscribe: opts.runs.subscribe.bind(opts.runs) } : {}) }, {
        ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
        ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
      });
      return;
    }
    if (sub === '/report.md' || sub === '/report.json') {
      if (!run.report) return notFound(res, chrome);
      const json = sub === '/report.json';
      send(res, 200, json ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8', json ? `${JSON.stringify(run.report, null, 2)}\n` : renderMarkdown(run.report), {
        'Content-Disposition': `attachment; filename="tfactory-${run.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${json ? 'json' : 'md'}"`,
      });
      return;
    }
    if (sub !== '') return notFound(res, chrome);
    const outputs = opts.stageOutputs ? await opts.stageOutputs(run.id) : {};
    const done = url.searchParams.get('done') ?? '';
    sendHtml(res, 200, page(`Run ${run.id.slice(0, 8)}`, chrome, renderRunPage({
      base, run, outputs, actions: await actionsFor(current, run), csrf: current.csrf, ...(DONE_MESSAGES[done] ? { flash: DONE_MESSAGES[done] } : {}),
    })));
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const inside = base === '' || url.pathname === base || url.pathname.startsWith(`${base}/`);
    if (!inside) return false;
    securityHeaders(res, opts.formAction);
    if (opts.allowedHosts && !opts.allowedHosts.includes((req.headers.host ?? '').toLowerCase())) {
      send(res, 421, 'text/plain; charset=utf-8', 'this dashboard answers only to the address it listens on\n');
      return true;
    }
    if (base !== '' && url.pathname === base) {
      redirect(res, `${base}/`, 301);
      return true;
    }
    const path = url.pathname.slice(base.length) || '/';
    try {
      await handle(req, res, url, path);
    } catch (err) {
      opts.log.error({ err, path }, 'dashboard request failed');
      if (!res.headersSent) sendHtml(res, 500, page('Error', { base }, html`<h1>Something went wrong</h1><p>The page could not be made; the server's log has the details. Reload to try again.</p>`));
      else res.end();
    }
    return true;
  };
}
