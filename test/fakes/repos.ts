import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The one place tests build real git repositories (plain `git`, no simple-git), in os.tmpdir():
 * - `makeRepo`: an empty repository on `main` to write and commit into step by step;
 * - `createFixtureRepo`: fixtures/repos/<name>/ as `main` (base/) and `feature` (head/), same SHAs on every machine;
 * - `createRemote`: a bare `<owner>/<repo>.git` behind a file:// base URL, with a base branch, a PR branch and
 *   `refs/pull/<n>/head`, for fetch and push tests.
 * Git never reads the machine's global or system config, nor any `GIT_*` variable of the test process.
 */

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
export const FIXTURE_REPOS = join(FIXTURES, 'repos');

export interface GitIdentity {
  name: string;
  email: string;
  /** Author and committer date; the clock when absent. */
  date?: string;
}

function gitEnv(who: GitIdentity): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return {
    ...inherited,
    GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email,
    ...(who.date ? { GIT_AUTHOR_DATE: who.date, GIT_COMMITTER_DATE: who.date } : {}),
    GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
  };
}

/** Runs git in `cwd` as `who`; returns stdout as git wrote it (untrimmed). */
export function runGit(cwd: string, who: GitIdentity, args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], { cwd, env: gitEnv(who), encoding: 'utf8' });
}

const DEV: GitIdentity = { name: 'Dev', email: 'dev@example.com', date: '2024-03-01T12:00:00Z' };

/** Git as the remote's developer (fixed identity and date), output trimmed: for reading and seeding remotes. */
export function git(cwd: string, ...args: string[]): string {
  return runGit(cwd, DEV, args).trim();
}

/** Writes `files` (path → text) under `dir`, creating folders. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A throw-away repository on `main`. */
export interface TestRepo {
  dir: string;
  /** Untrimmed stdout. */
  git(...args: string[]): string;
  write(files: Record<string, string>): void;
  remove(...paths: string[]): void;
  /** Copy a file or folder from the repo's fixtures/ into the test repo. */
  copyFixture(fixturePath: string, dest: string): void;
  /** Stages everything and commits (empty commits allowed); returns the new SHA. */
  commit(message: string): string;
  cleanup(): void;
}

const TESTER: GitIdentity = { name: 'Test', email: 'test@example.com' };

export function makeRepo(prefix = 'tfactory-test-'): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]): string => runGit(dir, TESTER, args);
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write: (files) => writeTree(dir, files),
    remove(...paths) {
      for (const p of paths) unlinkSync(join(dir, p));
    },
    copyFixture(fixturePath, dest) {
      cpSync(join(FIXTURES, fixturePath), join(dir, dest), { recursive: true });
    },
    commit(message) {
      git('add', '-A');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** fixtures/repos/<name>/ as a real repository: base/ committed on `main`, then head/ (the full head tree) on `feature`. */
export interface FixtureRepo {
  dir: string;
  /** Branch names: `main` and `feature`. */
  base: string;
  head: string;
  baseSha: string;
  headSha: string;
  cleanup(): Promise<void>;
}

const FIXTURE_AUTHOR = { name: 'TFactory Fixtures', email: 'fixtures@tfactory.invalid' };

function requireDir(path: string): void {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`fixture folder missing: ${path}`);
}

/** Removes everything in `dir` except `.git`. */
function clearTree(dir: string): void {
  for (const entry of readdirSync(dir)) {
    if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

export async function createFixtureRepo(name: string): Promise<FixtureRepo> {
  const source = join(FIXTURE_REPOS, name);
  requireDir(join(source, 'base'));
  requireDir(join(source, 'head'));
  const dir = mkdtempSync(join(tmpdir(), `tfactory-fixture-${name}-`));
  const cleanup = (): Promise<void> => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
  try {
    const base: GitIdentity = { ...FIXTURE_AUTHOR, date: '2024-01-01T12:00:00Z' };
    const head: GitIdentity = { ...FIXTURE_AUTHOR, date: '2024-01-02T12:00:00Z' };
    runGit(dir, base, ['init', '--quiet', '--initial-branch=main']);
    cpSync(join(source, 'base'), dir, { recursive: true });
    runGit(dir, base, ['add', '-A']);
    runGit(dir, base, ['commit', '--quiet', '-m', `${name}: base`]);
    const baseSha = runGit(dir, base, ['rev-parse', 'HEAD']).trim();
    runGit(dir, head, ['checkout', '--quiet', '-b', 'feature']);
    clearTree(dir);
    cpSync(join(source, 'head'), dir, { recursive: true });
    runGit(dir, head, ['add', '-A']);
    runGit(dir, head, ['commit', '--quiet', '--allow-empty', '-m', `${name}: head`]);
    const headSha = runGit(dir, head, ['rev-parse', 'HEAD']).trim();
    return { dir, base: 'main', head: 'feature', baseSha, headSha, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Absolute paths of the candidate test files of a fixture repo (fixtures/repos/<name>/candidates/). */
export function listCandidates(name: string): string[] {
  const dir = join(FIXTURE_REPOS, name, 'candidates');
  return readdirSync(dir).sort().map((f) => join(dir, f));
}

export interface RemoteFixture {
  root: string;
  /** `file://<root>/remotes`: the git base URL (holds `<owner>/<repo>.git`). */
  baseUrl: string;
  bare: string;
  /** The developer's clone the remote was pushed from (on the PR branch). */
  seed: string;
  baseSha: string;
  headSha: string;
  /** An empty folder for the app's checkouts. */
  workRoot: string;
  cleanup(): void;
}

export interface RemoteOptions {
  /** Files of the base commit; default: a one-function `app.py`. */
  base?: Record<string, string>;
  /** Files written over the base for the PR commit; default: `app.py` rounding prices. */
  head?: Record<string, string>;
  /** Default `master` (GitHub's Hello-World). */
  baseBranch?: string;
  /** Default `changes`. */
  headBranch?: string;
  messages?: { base: string; head: string };
}

const APP_BASE = { 'app.py': 'def price(x):\n    return x\n' };
const APP_HEAD = { 'app.py': 'def price(x):\n    return round(x, 2)\n' };

/** A bare `owner/repo.git` with a base branch and a PR branch (also at `refs/pull/<n>/head`); fixed identity and dates. */
export function createRemote(owner: string, repo: string, pullNumber: number, opts: RemoteOptions = {}): RemoteFixture {
  const { base = APP_BASE, head = APP_HEAD, baseBranch = 'master', headBranch = 'changes' } = opts;
  const messages = opts.messages ?? { base: 'initial', head: 'round prices' };
  const root = mkdtempSync(join(tmpdir(), 'tfactory-gh-test-'));
  try {
    const bare = join(root, 'remotes', owner, `${repo}.git`);
    mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--bare', '-q', '-b', baseBranch);
    const seed = join(root, 'seed');
    mkdirSync(seed);
    git(seed, 'init', '-q', '-b', baseBranch);
    writeTree(seed, base);
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', messages.base);
    const baseSha = git(seed, 'rev-parse', 'HEAD');
    git(seed, 'checkout', '-q', '-b', headBranch);
    writeTree(seed, head);
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', messages.head);
    const headSha = git(seed, 'rev-parse', 'HEAD');
    git(seed, 'push', '-q', bare, baseBranch, headBranch, `${headBranch}:refs/pull/${pullNumber}/head`);
    const workRoot = join(root, 'work');
    mkdirSync(workRoot);
    return { root, baseUrl: `file://${join(root, 'remotes')}`, bare, seed, baseSha, headSha, workRoot, cleanup: () => rmSync(root, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/** Every file under `dir` whose bytes contain one of the needles (to prove a secret left no trace). */
export function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && needles.some((n) => readFileSync(p).toString('latin1').includes(n))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}
