import type { DashboardAccess } from './access.js';
import { html } from './html.js';
import { redirect, safeReturnPath, sendHtml } from './http.js';
import { page } from './layout.js';
import { sameSecret } from './sessions.js';

/**
 * `tfactory serve`: without a token every visitor is the local user (the server only listens on
 * loopback then); with one, a visitor signs in once by typing it (it is never put in a URL).
 * Every local viewer may read every run and act on it.
 */
export function localAccess(opts: { token?: string } = {}): DashboardAccess {
  const token = opts.token;
  return {
    viewer(session) {
      if (!token) return { login: 'local' };
      return session.user ? { login: session.user.login } : undefined;
    },
    async handleAuthRoute({ req, res, path, session, form, base, url, renew }) {
      if (path === '/logout' && req.method === 'POST') {
        delete session.user;
        redirect(res, `${base}/`);
        return true;
      }
      if (path !== '/login' || !token) return false;
      const safeNext = safeReturnPath(url.searchParams.get('next') ?? form.get('next'), base);
      let failed = false;
      if (req.method === 'POST') {
        if (sameSecret(form.get('token') ?? '', token)) {
          renew();
          session.user = { login: 'token holder', id: 0 };
          redirect(res, safeNext);
          return true;
        }
        failed = true;
      }
      sendHtml(res, failed ? 401 : 200, page('Sign in', { base }, html`<h1>Sign in</h1>
${failed ? html`<p class="notice" role="alert">That token is not the one this server was started with.</p>` : ''}
<p>This dashboard was started with a token (<code>TFACTORY_SERVE_TOKEN</code>). Type it to see the runs.</p>
<form method="post" action="${base}/login">
<input type="hidden" name="csrf" value="${session.csrf}"><input type="hidden" name="next" value="${safeNext}">
<label>Token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`));
      return true;
    },
    async canRead() {
      return true;
    },
    async canWrite() {
      return true;
    },
  };
}
