import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, createProbot, Probot, type ApplicationFunction } from 'probot';
import type { Logger } from '../logger.js';

/** GitHub caps webhook payloads at 25 MB; a larger body is refused before it is read whole. */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;
export const WEBHOOK_PATH = '/api/github/webhooks';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;

function refuse(res: ServerResponse, limit: number): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ error: `payload over ${Math.round(limit / 2 ** 20)} MB (GitHub's webhook limit)` });
  res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
}

/**
 * Reads a webhook body up to `limit` bytes and hands it to Probot's middleware as `req.body` (which
 * it reads instead of the stream); a body announced or found larger is answered 413 and the
 * connection closed, so memory never holds more than one limit per request.
 */
export function limitWebhookBody(limit: number, middleware: NodeHandler): NodeHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return middleware(req, res, next);
    const announced = Number(req.headers['content-length'] ?? '0');
    if (announced > limit) {
      refuse(res, limit);
      req.destroy();
      return undefined;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        refuse(res, limit);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      (req as IncomingMessage & { body?: string }).body = Buffer.concat(chunks).toString('utf8');
      void middleware(req, res, next);
    });
    return undefined;
  };
}

export interface WebhookServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * The App's HTTP server: the webhook path (body limit, then Probot's middleware: signature check,
 * then our handlers, which answer once the delivery is recorded), `GET /ping`, the pages the app
 * added with `addHandler` (the run dashboard), 404 elsewhere.
 */
export async function startWebhookServer(app: ApplicationFunction, opts: { env: NodeJS.ProcessEnv; limit?: number }): Promise<WebhookServer> {
  const probot = createProbot({ env: opts.env });
  const path = opts.env.WEBHOOK_PATH || WEBHOOK_PATH;
  const middleware = (await createNodeMiddleware(app, { probot, webhooksPath: path })) as NodeHandler;
  const limited = limitWebhookBody(opts.limit ?? WEBHOOK_BODY_LIMIT, middleware);
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (pathname === path) return void limited(req, res, () => res.writeHead(404).end());
    if (req.method === 'GET' && pathname === '/ping') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
    // Pages the app added with addHandler (the run dashboard under /tfactory/) answer first; then 404.
    void middleware(req, res, () => {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found' }));
    });
  });
  const port = Number(opts.env.PORT || 3000);
  const host = opts.env.HOST || undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface InProcessAppOptions {
  appId: number;
  privateKey: string;
  secret: string;
  /** The REST base (GHES: `<origin>/api/v3`). */
  baseUrl: string;
  log: Logger;
}

/** The webhook handler of an app in this process (body limit + Probot's middleware), for benchmarks. */
export async function createWebhookHandler(app: ApplicationFunction, opts: InProcessAppOptions, limit = WEBHOOK_BODY_LIMIT): Promise<NodeHandler> {
  const probot = new Probot({ appId: opts.appId, privateKey: opts.privateKey, secret: opts.secret, baseUrl: opts.baseUrl, log: opts.log as never });
  const middleware = (await createNodeMiddleware(app, { probot })) as NodeHandler;
  return limitWebhookBody(limit, middleware);
}
