import { run, type ApplicationFunction } from 'probot';
import { loadEnv, requireGitHubAppEnv, requireLlmEnv, type Env } from '../config/env.js';
import { isTfError } from '../errors.js';
import { startWebhookServer } from './webhook-server.js';

/**
 * What the server lacks before it may start, one line per variable (names only, never values):
 * APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, and what the model provider needs.
 * Empty when the server can start.
 */
export function checkServerEnv(env: NodeJS.ProcessEnv, cwd: string): string[] {
  let parsed: Env;
  try {
    parsed = loadEnv(env, cwd);
  } catch (err) {
    return issuesOf(err);
  }
  return [...collect(() => requireGitHubAppEnv(parsed)), ...collect(() => requireLlmEnv(parsed))];
}

function collect(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (err) {
    return issuesOf(err);
  }
}

function issuesOf(err: unknown): string[] {
  if (isTfError(err, 'CONFIG_INVALID') && Array.isArray(err.details.issues)) return err.details.issues.map(String);
  throw err;
}

export function renderServerEnvProblems(issues: string[]): string {
  return [
    'tfactory: the GitHub App cannot start; set these environment variables (see README, "Deploying the GitHub App"):',
    ...issues.map((i) => `  - ${i}`),
    '',
  ].join('\n');
}

export interface ServeDeps {
  stderr: (text: string) => void;
  exit: (code: number) => never;
  /** The server (tests replace it): our webhook server, or Probot's `run` when WEBHOOK_PROXY_URL asks for smee. */
  runProbot?: (app: ApplicationFunction, opts: { env: NodeJS.ProcessEnv }) => Promise<unknown>;
}

/**
 * The webhook server with the 25 MB body limit (webhook-server.ts); local development through a
 * smee.io channel (WEBHOOK_PROXY_URL) uses Probot's own server, which forwards the channel.
 */
export function defaultServer(app: ApplicationFunction, opts: { env: NodeJS.ProcessEnv }): Promise<unknown> {
  if (opts.env.WEBHOOK_PROXY_URL) return run(app, opts);
  return startWebhookServer(app, { env: opts.env });
}

/**
 * `node dist/index.js`: checks the environment first (Probot itself would fall into its interactive
 * setup mode and wait forever without APP_ID / PRIVATE_KEY), then runs the Probot server.
 */
export async function serveApp(app: ApplicationFunction, env: NodeJS.ProcessEnv, cwd: string, deps: ServeDeps): Promise<void> {
  const issues = checkServerEnv(env, cwd);
  if (issues.length > 0) {
    deps.stderr(renderServerEnvProblems(issues));
    deps.exit(1);
  }
  await (deps.runProbot ?? defaultServer)(app, { env });
}
