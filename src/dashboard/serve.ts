import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { TfError } from '../errors.js';
import type { DashboardOptions } from './router.js';
import { createDashboardHandler } from './router.js';
import { localAccess } from './local-access.js';
import { DASHBOARD_BASE } from './run-url.js';

export const DEFAULT_PORT = 3100;
export const DEFAULT_HOST = '127.0.0.1';

/** Loopback addresses and names: the only hosts `tfactory serve` binds without a token. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The Host headers a loopback server answers: its own address and port (DNS rebinding gets nothing). */
export function loopbackHostHeaders(host: string, port: number): string[] {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') && !host.startsWith('[') ? `[${host}]` : host]);
  return [...names].map((n) => `${n.toLowerCase()}:${port}`);
}

export interface ServeOptions extends Omit<DashboardOptions, 'base' | 'access' | 'allowedHosts'> {
  host?: string;
  port?: number;
  /** TFACTORY_SERVE_TOKEN: required for any host but loopback; visitors sign in with it. */
  token?: string;
}

/**
 * `tfactory serve`'s server: the dashboard at `/tfactory/` (as on the App's server) over the local run store. Refuses a
 * non-loopback host without a token (the runs hold code and paths of the machine).
 */
export async function startDashboardServer(opts: ServeOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? DEFAULT_PORT;
  const loopback = isLoopbackHost(host);
  if (!loopback && !opts.token) {
    throw new TfError('USAGE', `refusing to serve the dashboard on ${host} without a token: anyone who reaches it could read every run and cancel it`, {
      hint: 'set TFACTORY_SERVE_TOKEN to a long random secret (e.g. `openssl rand -hex 32`), or serve on 127.0.0.1',
    });
  }
  if (opts.token !== undefined && opts.token.length < 16) {
    throw new TfError('USAGE', 'TFACTORY_SERVE_TOKEN is too short (fewer than 16 characters)', { hint: 'use a long random secret, e.g. `openssl rand -hex 32`' });
  }
  const server = createServer();
  // On loopback, answer only to our own name and port (filled in once listening: --port 0 picks one).
  const allowedHosts: string[] = [];
  const handler = createDashboardHandler({
    ...opts,
    base: DASHBOARD_BASE,
    access: localAccess(opts.token ? { token: opts.token } : {}),
    ...(loopback ? { allowedHosts } : {}),
  });
  server.on('request', (req, res) => {
    void handler(req, res).then((handled) => {
      if (handled) return;
      // The same addresses as on the App's server (TFACTORY_PUBLIC_URL links work for both).
      res.statusCode = req.url === '/' ? 303 : 404;
      if (req.url === '/') res.setHeader('Location', `${DASHBOARD_BASE}/`);
      res.end(req.url === '/' ? '' : `not found: the dashboard is under ${DASHBOARD_BASE}/\n`);
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new TfError('USAGE', `port ${port} on ${host} is already in use`, { hint: 'pick another with --port, or stop the process that holds it' })
        : err);
    });
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  allowedHosts.push(...loopbackHostHeaders(host, actualPort));
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${actualPort}${DASHBOARD_BASE}/`,
    close: () => new Promise<void>((resolveClose) => {
      server.closeAllConnections();
      server.close(() => resolveClose());
    }),
  };
}
