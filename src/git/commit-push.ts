import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { TfError, isTfError } from '../errors.js';
import { assertCleanUrl, buildAuthEnv, listSecretForms } from './auth-env.js';
import { writeContained } from '../files/contained.js';
import { runGit, type RunGitOptions } from './run-git.js';

/**
 * Commit and push for publishing tests. Credentials reach git through the git process environment
 * only (`http.extraHeader` set via GIT_CONFIG_COUNT/KEY/VALUE): never in a URL, argv or .git/config.
 */

export interface GitAuthor {
  name: string;
  email: string;
}

export interface FileToCommit {
  /** Repo-relative path. */
  path: string;
  content: string;
}

export type PushResult =
  | { ok: true; sha: string }
  | { ok: false; reason: 'rejected' | 'forbidden' | 'default-branch' | 'failed'; message: string };

export type RebaseResult = { ok: true; sha: string } | { ok: false; message: string };

export interface PushOptions {
  /** The repository's default branch: never pushed to. */
  defaultBranch: string;
}

function withToken(token: string | undefined): RunGitOptions {
  return token ? { env: buildAuthEnv(token), secrets: listSecretForms(token) } : {};
}

function identity(author: GitAuthor): string[] {
  return ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`];
}

/** The scrubbed stderr a failed git command left in its TfError. */
function errorText(err: unknown): string {
  if (isTfError(err)) return typeof err.details.stderr === 'string' ? err.details.stderr : err.message;
  return err instanceof Error ? err.message : String(err);
}

async function head(dir: string): Promise<string> {
  return (await runGit(dir, ['rev-parse', 'HEAD'])).trim();
}

/** Makes `dir` a checkout of `ref` from `remoteUrl` (shallow); returns the fetched commit. Throws GIT_FAILED. */
export async function fetchRef(dir: string, remoteUrl: string, ref: string, token?: string, depth = 1): Promise<string> {
  assertCleanUrl(remoteUrl);
  await mkdir(dir, { recursive: true });
  await runGit(dir, ['init', '-q']);
  await runGit(dir, ['fetch', '--no-tags', `--depth=${depth}`, remoteUrl, ref], withToken(token));
  await runGit(dir, ['checkout', '-q', '--detach', 'FETCH_HEAD']);
  return head(dir);
}

function safePath(dir: string, path: string): string {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`) || clean.split(sep).includes('.git')) {
    throw new TfError('GIT_FAILED', `refusing to write outside the checkout: ${path}`, { details: { path } });
  }
  return join(dir, clean);
}

/** Writes the files and commits them on HEAD; returns the new commit. Throws GIT_FAILED. */
export async function commitFiles(dir: string, files: FileToCommit[], message: string, author: GitAuthor): Promise<string> {
  if (files.length === 0) throw new TfError('GIT_FAILED', 'nothing to commit');
  for (const file of files) {
    safePath(dir, file.path);
    try {
      await writeContained(dir, file.path, file.content);
    } catch (err) {
      if (!isTfError(err, 'UNSAFE_PATH')) throw err;
      throw new TfError('GIT_FAILED', `refusing to write ${file.path}: ${err.message}`, { details: { path: file.path }, cause: err });
    }
  }
  await runGit(dir, ['add', '--', ...files.map((f) => normalize(f.path))]);
  await runGit(dir, [...identity(author), 'commit', '-q', '--no-verify', '-m', message]);
  return head(dir);
}

/** Pushes HEAD to `branch` (fast-forward only). A refused push is a value, not a throw. */
export async function pushBranch(dir: string, remoteUrl: string, branch: string, token: string | undefined, opts: PushOptions): Promise<PushResult> {
  const name = branch.replace(/^refs\/heads\//, '');
  if (name === opts.defaultBranch) {
    return { ok: false, reason: 'default-branch', message: `refusing to push to the default branch ${opts.defaultBranch}` };
  }
  assertCleanUrl(remoteUrl);
  const sha = await head(dir);
  try {
    await runGit(dir, ['push', remoteUrl, `HEAD:refs/heads/${name}`], withToken(token));
    return { ok: true, sha };
  } catch (err) {
    const text = errorText(err);
    if (/\b403\b|permission to .* denied|not accessible by integration|write access to repository not granted/i.test(text)) {
      return { ok: false, reason: 'forbidden', message: firstLines(text) };
    }
    if (/non-fast-forward|fetch first|\[rejected\]|stale info/i.test(text)) return { ok: false, reason: 'rejected', message: firstLines(text) };
    return { ok: false, reason: 'failed', message: firstLines(text) };
  }
}

function firstLines(text: string): string {
  return text.split('\n').slice(0, 6).join('\n').slice(0, 1000);
}

/** Fetches the branch's new tip and replays the test commit (HEAD) onto it. A conflict is a value. */
export async function fetchAndRebase(dir: string, remoteUrl: string, branch: string, token: string | undefined, author: GitAuthor): Promise<RebaseResult> {
  assertCleanUrl(remoteUrl);
  try {
    await runGit(dir, ['fetch', '--no-tags', '--depth=1', remoteUrl, `refs/heads/${branch}`], withToken(token));
  } catch (err) {
    return { ok: false, message: `could not fetch ${branch}: ${firstLines(errorText(err))}` };
  }
  try {
    await runGit(dir, [...identity(author), 'rebase', '-q', '--onto', 'FETCH_HEAD', 'HEAD~1']);
    return { ok: true, sha: await head(dir) };
  } catch (err) {
    await runGit(dir, ['rebase', '--abort']).catch(() => undefined);
    return { ok: false, message: `the test commit does not apply on the new head of ${branch}: ${firstLines(errorText(err))}` };
  }
}

/** The HEAD commit as a mailbox patch (`git am` and `git apply` both take it). Throws GIT_FAILED. */
export async function formatPatch(dir: string): Promise<string> {
  return runGit(dir, ['format-patch', '-1', '--stdout', 'HEAD']);
}
