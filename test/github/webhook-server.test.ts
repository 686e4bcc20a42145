import { createHmac } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { limitWebhookBody, startWebhookServer, WEBHOOK_BODY_LIMIT } from '../../src/github/webhook-server.js';
import { createTestApp, examplePayload, WEBHOOK_SECRET } from './harness.js';

/**
 * The webhook body limit (GitHub caps payloads at 25 MB): a larger body is refused with 413, whether
 * its size is announced or only found while reading, and never reaches the handlers.
 * (No nock here: these are requests to a local server; the deliveries ask GitHub for nothing.)
 */

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function start(limit: number): Promise<{ port: number; runs: () => number }> {
  const { probot, runs } = await createTestApp();
  const handler = limitWebhookBody(limit, (await probot.getNodeMiddleware()) as never);
  server = createServer((req, res) => void handler(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, runs: () => runs.runs.length };
}

function post(port: number, body: Buffer, opts: { chunked?: boolean; id?: string; name?: string } = {}): Promise<number> {
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/github/webhooks',
        headers: {
          'content-type': 'application/json',
          'x-github-event': opts.name ?? 'ping',
          'x-github-delivery': opts.id ?? 'limit-1',
          'x-hub-signature-256': signature,
          ...(opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': body.length }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    // The server may close the connection before the whole body is sent: the status still came.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    if (opts.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

describe('webhook body limit', () => {
  it('is GitHub\'s 25 MB', () => {
    expect(WEBHOOK_BODY_LIMIT).toBe(25 * 1024 * 1024);
  });

  it('passes a delivery under the limit to Probot (signature checked there)', async () => {
    const { port } = await start(64 * 1024);
    const body = Buffer.from(JSON.stringify(examplePayload('ping', undefined as never)));
    expect(await post(port, body)).toBe(200);
  });

  it('refuses a body announced over the limit with 413, before reading it', async () => {
    const { port, runs } = await start(64 * 1024);
    const payload = examplePayload('pull_request', 'labeled');
    payload.pull_request.body = 'x'.repeat(128 * 1024);
    expect(await post(port, Buffer.from(JSON.stringify(payload)), { name: 'pull_request' })).toBe(413);
    expect(runs()).toBe(0);
  });

  it('refuses a chunked body found over the limit while reading', async () => {
    const { port, runs } = await start(64 * 1024);
    const payload = examplePayload('pull_request', 'labeled');
    payload.pull_request.body = 'x'.repeat(256 * 1024);
    expect(await post(port, Buffer.from(JSON.stringify(payload)), { chunked: true, name: 'pull_request' })).toBe(413);
    expect(runs()).toBe(0);
  });

  it('the App server (settings from the environment) answers /ping, serves the pages the app adds (the dashboard), 404 elsewhere, and refuses a 26 MB delivery with 413', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    let loaded = false;
    const app = await startWebhookServer(
      (_app, options) => {
        loaded = true;
        // the run dashboard mounts itself this way (src/github/app.ts)
        options?.addHandler?.((req, res) => {
          if (!req.url?.startsWith('/tfactory/')) return false;
          res.writeHead(200, { 'content-type': 'text/plain' }).end('a page');
          return true;
        });
      },
      { env: { APP_ID: '2', PRIVATE_KEY: privateKey, WEBHOOK_SECRET, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } },
    );
    try {
      expect(loaded).toBe(true);
      const ping = await fetch(`${app.url}/ping`);
      expect(await ping.text()).toBe('PONG');
      const page = await fetch(`${app.url}/tfactory/runs`);
      expect([page.status, await page.text()]).toEqual([200, 'a page']);
      expect((await fetch(`${app.url}/elsewhere`)).status).toBe(404);
      const port = Number(new URL(app.url).port);
      expect(await post(port, Buffer.alloc(26 * 1024 * 1024, 0x20), { name: 'ping', id: 'too-big' })).toBe(413);
      expect(await post(port, Buffer.from(JSON.stringify({ zen: 'small' })), { name: 'ping', id: 'small' })).toBe(200);
    } finally {
      await app.close();
    }
  });
});
