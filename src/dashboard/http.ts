import type { IncomingMessage, ServerResponse } from 'node:http';
import { TfError } from '../errors.js';

/** No inline script or style, nothing from elsewhere, no framing, forms only to ourselves. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self' https://github.com",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(res: ServerResponse, formAction?: string): void {
  res.setHeader('Content-Security-Policy', formAction ? CONTENT_SECURITY_POLICY.replace('https://github.com', formAction) : CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, body: string): void {
  send(res, status, 'text/html; charset=utf-8', body);
}

export function redirect(res: ServerResponse, location: string, status = 303): void {
  res.statusCode = status;
  res.setHeader('Location', location);
  res.end();
}

/**
 * Where to go after sign-in: a path of ours (under `base`), never another site. `//x` and `/\x`
 * are other sites to a browser, so a path starting so, or holding a backslash or a space, is refused.
 */
export function safeReturnPath(next: string | null | undefined, base: string): string {
  const home = `${base}/`;
  if (!next || !next.startsWith(home) || !/^\/(?![/\\])[^\\\s]*$/.test(next)) return home;
  return next;
}

/** Reads an urlencoded form of at most `limit` bytes. */
export async function readForm(req: IncomingMessage, limit = 8192): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) throw new TfError('USAGE', `form body over ${limit} bytes`);
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
