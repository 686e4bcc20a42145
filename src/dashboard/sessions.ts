import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A browser's session, kept in this process only: the page sees its id (an HttpOnly cookie), nothing else. */
export interface Session {
  id: string;
  /** The token every form and action carries (CSRF). */
  csrf: string;
  expiresAt: number;
  /** Who signed in. */
  user?: { login: string; id: number };
  /** App mode: the user's GitHub token (user-to-server); never written to a page or a log. */
  userToken?: string;
  /** App mode: the OAuth `state` of a sign-in in progress, and where to go after it. */
  oauthState?: string;
  returnTo?: string;
}

export interface SessionStore {
  get(id: string | undefined): Session | undefined;
  create(): Session;
  destroy(id: string): void;
  /** A new id and CSRF token for the same session (the old id stops working). */
  renew(session: Session): void;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two secrets in constant time (different lengths are simply unequal). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** In-memory sessions with a sliding lifetime and a cap (the oldest go first). */
export function createSessionStore(opts: { ttlMs?: number; max?: number; now?: () => number } = {}): SessionStore {
  const ttl = opts.ttlMs ?? 8 * 60 * 60_000;
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, Session>();
  return {
    get(id) {
      if (!id) return undefined;
      const s = sessions.get(id);
      if (!s) return undefined;
      if (s.expiresAt <= now()) {
        sessions.delete(id);
        return undefined;
      }
      s.expiresAt = now() + ttl;
      return s;
    },
    create() {
      while (sessions.size >= max) {
        const oldest = sessions.keys().next().value;
        if (oldest === undefined) break;
        sessions.delete(oldest);
      }
      const s: Session = { id: randomToken(), csrf: randomToken(), expiresAt: now() + ttl };
      sessions.set(s.id, s);
      return s;
    },
    destroy(id) {
      sessions.delete(id);
    },
    renew(session) {
      sessions.delete(session.id);
      session.id = randomToken();
      session.csrf = randomToken();
      sessions.set(session.id, session);
    },
  };
}

export const SESSION_COOKIE = 'tfactory_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, opts: { path: string; secure: boolean; clear?: boolean }): string {
  return [
    `${SESSION_COOKIE}=${opts.clear ? '' : id}`,
    `Path=${opts.path}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(opts.secure ? ['Secure'] : []),
    ...(opts.clear ? ['Max-Age=0'] : []),
  ].join('; ');
}
