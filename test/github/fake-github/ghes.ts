import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeGithub, type FakeGithub, type FakeGithubOptions } from '../../../src/bench/fake-github.js';
import { validateGithubRequest } from '../../helpers/openapi-validate.js';
import { serveGit } from './git-http.js';

/**
 * A fake GitHub Enterprise Server on 127.0.0.1 for end-to-end tests: REST under `/api/v3` (every
 * body checked against @octokit/openapi) and git smart HTTP (`git http-backend`) over `gitRoot`,
 * which holds `<owner>/<repo>.git`. Git requests must carry the installation token.
 */
export interface FakeGhes extends FakeGithub {
  /** Request bodies that do not match GitHub's OpenAPI description. */
  invalid: string[];
  /** `git-receive-pack` POSTs (pushes) by repository path. */
  pushes: string[];
  /** Git requests without the installation token. */
  gitUnauthenticated: string[];
}

export async function startFakeGhes(gitRoot: string, opts: Omit<FakeGithubOptions, 'onRequest' | 'fallback'>): Promise<FakeGhes> {
  const invalid: string[] = [];
  const pushes: string[] = [];
  const gitUnauthenticated: string[] = [];
  const basic = `Basic ${Buffer.from(`x-access-token:${opts.token}`).toString('base64')}`;
  const fake = await startFakeGithub({
    ...opts,
    onRequest: (r) => invalid.push(...validateGithubRequest(r.method, r.path, r.body)),
    fallback: (req, res, url) => {
      if (req.headers.authorization !== basic) {
        gitUnauthenticated.push(`${req.method ?? 'GET'} ${url.pathname}`);
        res.writeHead(401, { 'www-authenticate': 'Basic realm="fake-ghes"' }).end();
        return;
      }
      if (req.method === 'POST' && url.pathname.endsWith('/git-receive-pack')) pushes.push(url.pathname);
      serveGit(gitRoot, req, res, url.pathname, url.search.slice(1), 'x-access-token');
    },
  });
  return Object.assign(fake, { invalid, pushes, gitUnauthenticated });
}

/** An HTTP server in front of a node middleware (Probot's webhook middleware); returns its URL and closer. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((handled) => {
      if (handled === false && !res.headersSent) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POSTs a signed webhook delivery as GitHub does; returns the status and the time to the answer. */
export async function postDelivery(url: string, secret: string, name: string, id: string, payload: unknown): Promise<{ status: number; ms: number }> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const started = performance.now();
  const res = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'x-hub-signature-256': signature },
    body,
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}
