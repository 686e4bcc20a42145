import { spawn } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { TfError } from '../errors.js';

/** Extra environment for one git process (e.g. the credential header). Never logged. */
export type GitEnv = Record<string, string>;

export interface RunGitOptions {
  /** Added to a scrubbed copy of the process environment for this git process only. */
  env?: GitEnv;
  /** Strings to blank out of any error text (a token, an auth header). */
  secrets?: string[];
}

/** Environment variables that carry git configuration into a process; only our own may pass. */
const ENV_CONFIG_KEYS = /^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+)$/;

/** Ambient variables that make git run other programs; none is needed non-interactively. */
const DROPPED_ENV = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

/**
 * The process environment without any ambient GIT_* variable (a hook's GIT_DIR must not leak in)
 * nor the program-launching ones simple-git refuses.
 */
export function buildBaseEnv(extra: GitEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    const key = k.toUpperCase();
    if (v !== undefined && !key.startsWith('GIT_') && !DROPPED_ENV.has(key)) env[k] = v;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', ...withProtectedConfig(extra) };
}

/**
 * Configuration every git process gets at command scope, above anything a repository's own
 * `.git/config` says: a repository never makes TFactory run its commands (hooks, fsmonitor, an
 * external diff or pager, credential helpers), and submodules are never fetched.
 */
export const PROTECTED_GIT_CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['core.pager', 'cat'],
  ['diff.external', ''],
  ['credential.helper', ''],
  ['submodule.recurse', 'false'],
  ['fetch.recurseSubmodules', 'false'],
  ['protocol.ext.allow', 'never'],
];

/** The caller's GIT_CONFIG_* entries (e.g. the auth header) followed by the protected ones. */
function withProtectedConfig(extra: GitEnv): GitEnv {
  const count = Number(extra.GIT_CONFIG_COUNT ?? '0');
  const out: GitEnv = { ...extra };
  PROTECTED_GIT_CONFIG.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${count + i}`] = key;
    out[`GIT_CONFIG_VALUE_${count + i}`] = value;
  });
  out.GIT_CONFIG_COUNT = String(count + PROTECTED_GIT_CONFIG.length);
  return out;
}

function createGit(dir: string, opts: RunGitOptions): SimpleGit {
  const env = buildBaseEnv(opts.env ?? {});
  const allowEnvironment = Object.keys(env).filter((k) => k.toUpperCase().startsWith('GIT_'));
  const usesEnvConfig = allowEnvironment.some((k) => ENV_CONFIG_KEYS.test(k));
  return simpleGit({
    baseDir: dir,
    maxConcurrentProcesses: 2,
    allowEnvironment,
    // simple-git refuses these keys unless told: they are set here only to the safe values above.
    unsafe: {
      allowUnsafeConfigEnvCount: usesEnvConfig,
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
      allowUnsafePager: true,
      allowUnsafeDiffExternal: true,
      allowUnsafeCredentialHelper: true,
      allowUnsafeProtocolOverride: true,
    },
  }).env(env);
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

/** Run `git <args>` in `dir`; failures become TfError GIT_FAILED with the (scrubbed) stderr kept. */
export async function runGit(dir: string, args: string[], opts: RunGitOptions = {}): Promise<string> {
  try {
    return await createGit(dir, opts).raw(args);
  } catch (err) {
    const secrets = opts.secrets ?? [];
    const message = scrub(err instanceof Error ? err.message : String(err), secrets).trim();
    throw new TfError('GIT_FAILED', `git ${args[0] ?? ''} failed: ${message.split('\n')[0] ?? ''}`, {
      details: { args: args.map((a) => scrub(a, secrets)), stderr: message.slice(0, 4000) },
    });
  }
}

/** Like runGit, but a failure is a value (undefined) rather than an exception. */
export async function tryGit(dir: string, args: string[], opts: RunGitOptions = {}): Promise<string | undefined> {
  try {
    return await runGit(dir, args, opts);
  } catch {
    return undefined;
  }
}

/** The commit SHA a ref names in `dir`. */
export async function resolveCommit(dir: string, ref: string): Promise<string> {
  const out = await tryGit(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const sha = out?.trim();
  if (!sha) {
    throw new TfError('GIT_FAILED', `cannot resolve '${ref}' to a commit in ${dir}`, { details: { ref, dir } });
  }
  return sha;
}

/**
 * Run `git <args>` in `dir` and keep stdout as raw bytes (simple-git decodes it as UTF-8, which
 * loses file names that are not UTF-8). Same scrubbed environment and protected configuration.
 */
export async function runGitBytes(dir: string, args: string[]): Promise<Buffer> {
  const child = spawn('git', args, { cwd: dir, env: buildBaseEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => { if (stderr.length < 4000) stderr += c.toString('utf8'); });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).catch((err: unknown) => {
    throw new TfError('GIT_FAILED', `git ${args[0] ?? ''} could not start: ${err instanceof Error ? err.message : String(err)}`, { details: { args } });
  });
  if (code !== 0) {
    throw new TfError('GIT_FAILED', `git ${args[0] ?? ''} failed: ${stderr.trim().split('\n')[0] ?? ''}`, { details: { args, stderr: stderr.slice(0, 4000) } });
  }
  return Buffer.concat(chunks);
}
