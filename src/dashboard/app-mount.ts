import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { StageOutputs } from '../runs/store.js';
import type { RunService } from '../runs/types.js';
import { githubAccess } from './github-access.js';
import { html } from './html.js';
import { securityHeaders, sendHtml } from './http.js';
import { page } from './layout.js';
import { createDashboardHandler } from './router.js';
import { DASHBOARD_BASE } from './run-url.js';

export { runPageUrl } from './run-url.js';

/** Where the dashboard lives on the App's (Probot's) server. */
export const APP_DASHBOARD_BASE = DASHBOARD_BASE;

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** What App mode needs from the environment: the OAuth client and the address browsers use. */
export function appDashboardSettings(env: NodeJS.ProcessEnv): { clientId: string; clientSecret: string; publicUrl: string; webUrl: string; apiUrl: string } | { missing: string[] } {
  const clientId = env.GITHUB_CLIENT_ID?.trim();
  const clientSecret = env.GITHUB_CLIENT_SECRET?.trim();
  const publicUrl = env.TFACTORY_PUBLIC_URL?.trim().replace(/\/+$/, '');
  const missing = [
    ...(clientId ? [] : ['GITHUB_CLIENT_ID (the App\'s OAuth client id, on its settings page)']),
    ...(clientSecret ? [] : ['GITHUB_CLIENT_SECRET (an OAuth client secret generated on the App\'s settings page)']),
    ...(publicUrl && /^https?:\/\/[^/]+/.test(publicUrl) ? [] : ['TFACTORY_PUBLIC_URL (the address browsers reach this server at, e.g. https://tfactory.example.com)']),
  ];
  if (missing.length > 0 || !clientId || !clientSecret || !publicUrl) return { missing };
  // GitHub Enterprise Server: Probot's GHE_HOST / GHE_PROTOCOL name the web and API hosts.
  const ghe = env.GHE_HOST?.trim();
  const protocol = env.GHE_PROTOCOL?.trim() || 'https';
  return {
    clientId,
    clientSecret,
    publicUrl,
    webUrl: ghe ? `${protocol}://${ghe}` : 'https://github.com',
    apiUrl: ghe ? `${protocol}://${ghe}/api/v3` : 'https://api.github.com',
  };
}

/**
 * The dashboard as the App serves it, under /tfactory/: GitHub sign-in, each user sees the runs of
 * the repositories they can read and acts on those they can write. Without its settings it answers
 * every /tfactory/ page with what to set (names only), and the rest of the App works as before.
 */
export function createAppDashboard(opts: { env: NodeJS.ProcessEnv; runs: RunService; stageOutputs: (id: string) => Promise<StageOutputs>; log: Logger; fetch?: typeof fetch }): NodeHandler {
  const settings = appDashboardSettings(opts.env);
  if ('missing' in settings) {
    opts.log.info({ missing: settings.missing.map((m) => m.split(' ')[0]) }, 'run dashboard off: its settings are missing');
    return async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== APP_DASHBOARD_BASE && !path.startsWith(`${APP_DASHBOARD_BASE}/`)) return false;
      securityHeaders(res);
      sendHtml(res, 503, page('Dashboard not set up', { base: APP_DASHBOARD_BASE }, html`<h1>The run dashboard is not set up</h1><p>Set these environment variables on the TFactory server and restart it (see the README, "The run dashboard"):</p><ul>${settings.missing.map((m) => html`<li>${m}</li>`)}</ul>`));
      return true;
    };
  }
  const access = githubAccess({ ...settings, log: opts.log, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  return createDashboardHandler({
    base: APP_DASHBOARD_BASE,
    runs: opts.runs,
    stageOutputs: opts.stageOutputs,
    access,
    log: opts.log,
    secureCookies: settings.publicUrl.startsWith('https://'),
    formAction: settings.webUrl,
    // The App's process carries out its runs: it can cancel them while they run, and rerun.
    cancelsRunning: () => true,
    rerun: { enabled: true },
  });
}
