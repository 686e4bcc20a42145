import type { Logger } from '../logger.js';
import type { Run } from '../runs/types.js';
import type { DashboardAccess } from './access.js';
import { html } from './html.js';
import { redirect, safeReturnPath, sendHtml } from './http.js';
import { page } from './layout.js';
import { randomToken, type Session } from './sessions.js';

export interface GithubAccessOptions {
  /** The App's OAuth client (its settings page): GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET. */
  clientId: string;
  clientSecret: string;
  /** TFACTORY_PUBLIC_URL: where GitHub sends the browser back (`<publicUrl><base>/auth/callback`). */
  publicUrl: string;
  /** Default https://github.com and https://api.github.com (GitHub Enterprise Server: its own). */
  webUrl?: string;
  apiUrl?: string;
  /** How long a repository permission is believed (default 60 s). */
  cacheMs?: number;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

type Permission = 'none' | 'read' | 'write';

/**
 * App mode: sign-in with GitHub (the App's user-to-server OAuth), and per run the signed-in user's
 * own permission on the run's repository, asked of the API with the user's token and cached
 * briefly. Local runs are never shown on the App's server. The user's token stays in the session.
 */
export function githubAccess(opts: GithubAccessOptions): DashboardAccess & { permission(session: Session, owner: string, repo: string): Promise<Permission> } {
  const webUrl = (opts.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (opts.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const cacheMs = opts.cacheMs ?? 60_000;
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { permission: Permission; until: number }>();

  async function permission(session: Session, owner: string, repo: string): Promise<Permission> {
    if (!session.user || !session.userToken) return 'none';
    const key = `${session.user.id}:${owner.toLowerCase()}/${repo.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.permission;
    const res = await doFetch(`${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`, {
      headers: { authorization: `Bearer ${session.userToken}`, accept: 'application/vnd.github+json', 'user-agent': 'tfactory-dashboard', 'x-github-api-version': '2022-11-28' },
    });
    let result: Permission = 'none';
    if (res.ok) {
      const body = (await res.json()) as { permissions?: { pull?: boolean; push?: boolean; admin?: boolean; maintain?: boolean } };
      const p = body.permissions ?? {};
      result = p.push || p.admin || p.maintain ? 'write' : p.pull ? 'read' : 'none';
    } else if (res.status === 401) {
      // The user's token expired or was revoked: the session signs in again.
      delete session.user;
      delete session.userToken;
      return 'none';
    } else if (res.status !== 404 && res.status !== 403) {
      opts.log.warn({ status: res.status, owner, repo }, 'repository permission could not be read');
      return 'none'; // not cached: the next request asks again
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { permission: result, until: now() + cacheMs });
    return result;
  }

  const onRepo = async (session: Session, run: Run, need: Permission): Promise<boolean> => {
    const s = run.request.source;
    if (s.kind !== 'github') return false;
    const p = await permission(session, s.owner, s.repo);
    return need === 'read' ? p !== 'none' : p === 'write';
  };

  return {
    permission,
    viewer(session) {
      return session.user && session.userToken ? { login: session.user.login } : undefined;
    },
    async handleAuthRoute({ req, res, path, url, session, base, renew }) {
      if (path === '/logout' && req.method === 'POST') {
        delete session.user;
        delete session.userToken;
        redirect(res, `${base}/`);
        return true;
      }
      if (path === '/login') {
        session.returnTo = safeReturnPath(url.searchParams.get('next'), base);
        session.oauthState = randomToken();
        const authorize = new URL(`${webUrl}/login/oauth/authorize`);
        authorize.searchParams.set('client_id', opts.clientId);
        authorize.searchParams.set('redirect_uri', `${publicUrl}${base}/auth/callback`);
        authorize.searchParams.set('state', session.oauthState);
        redirect(res, authorize.href, 302);
        return true;
      }
      if (path !== '/auth/callback') return false;
      const code = url.searchParams.get('code');
      const state = url.searchParams.get('state');
      const expected = session.oauthState;
      delete session.oauthState;
      if (!code || !state || !expected || state !== expected) {
        sendHtml(res, 400, page('Sign-in failed', { base }, html`<h1>Sign-in failed</h1><p>The sign-in answer did not match the one this browser started (an expired or replayed link). <a href="${base}/login">Sign in again</a>.</p>`));
        return true;
      }
      const tokenRes = await doFetch(`${webUrl}/login/oauth/access_token`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'tfactory-dashboard' },
        body: JSON.stringify({ client_id: opts.clientId, client_secret: opts.clientSecret, code, redirect_uri: `${publicUrl}${base}/auth/callback` }),
      });
      const tokenBody = (await tokenRes.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
      if (!tokenRes.ok || typeof tokenBody.access_token !== 'string') {
        opts.log.warn({ status: tokenRes.status, error: typeof tokenBody.error === 'string' ? tokenBody.error : undefined }, 'GitHub sign-in: no token for the code');
        sendHtml(res, 502, page('Sign-in failed', { base }, html`<h1>Sign-in failed</h1><p>GitHub did not exchange the sign-in code for a token. Check GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the App's OAuth credentials), then <a href="${base}/login">sign in again</a>.</p>`));
        return true;
      }
      const userRes = await doFetch(`${apiUrl}/user`, {
        headers: { authorization: `Bearer ${tokenBody.access_token}`, accept: 'application/vnd.github+json', 'user-agent': 'tfactory-dashboard' },
      });
      const user = (await userRes.json().catch(() => ({}))) as { login?: unknown; id?: unknown };
      if (!userRes.ok || typeof user.login !== 'string' || typeof user.id !== 'number') {
        sendHtml(res, 502, page('Sign-in failed', { base }, html`<h1>Sign-in failed</h1><p>GitHub did not say who signed in. <a href="${base}/login">Sign in again</a>.</p>`));
        return true;
      }
      renew();
      session.user = { login: user.login, id: user.id };
      session.userToken = tokenBody.access_token;
      const to = session.returnTo ?? `${base}/`;
      delete session.returnTo;
      redirect(res, to);
      return true;
    },
    canRead: (session, run) => onRepo(session, run, 'read'),
    canWrite: (session, run) => onRepo(session, run, 'write'),
  };
}
