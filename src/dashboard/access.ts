import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Run } from '../runs/types.js';
import type { Session } from './sessions.js';

/** What the router hands an access policy for its sign-in routes. */
export interface AuthRouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path below the dashboard's base, e.g. `/login`. */
  path: string;
  url: URL;
  session: Session;
  /** The form fields of a POST (already CSRF-checked), else empty. */
  form: URLSearchParams;
  base: string;
  /** Gives the session a new id and CSRF token (call on sign-in: no session fixation). */
  renew: () => void;
}

/**
 * Who may see and act on which run. `tfactory serve` uses localAccess (no login on loopback, or a
 * token); the App uses githubAccess (GitHub sign-in, the user's own permission on each repository).
 */
export interface DashboardAccess {
  /** The signed-in viewer's name, or undefined when the session must sign in first. */
  viewer(session: Session): { login: string } | undefined;
  /** Serves `/login`, `/auth/callback` and the like; false when the path is not one of them. */
  handleAuthRoute(ctx: AuthRouteContext): Promise<boolean>;
  canRead(session: Session, run: Run): Promise<boolean>;
  canWrite(session: Session, run: Run): Promise<boolean>;
}
