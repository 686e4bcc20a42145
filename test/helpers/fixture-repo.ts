import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A REAL git repository built from fixtures/repos/<name>/: base/ committed on `main`, then head/
 * (the full head tree: files absent from head/ are deleted) committed on `feature` on top of it.
 * Identity and dates are fixed through the environment (no global git config is read or written),
 * so the commit SHAs are the same on every machine.
 */
export interface FixtureRepo {
  dir: string;
  /** Branch names: `main` and `feature`. */
  base: string;
  head: string;
  baseSha: string;
  headSha: string;
  cleanup(): Promise<void>;
}

export const FIXTURE_REPOS = join(import.meta.dirname, '..', '..', 'fixtures', 'repos');

const run = promisify(execFile);

function gitEnv(date: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return {
    ...inherited,
    GIT_AUTHOR_NAME: 'TFactory Fixtures',
    GIT_AUTHOR_EMAIL: 'fixtures@tfactory.invalid',
    GIT_COMMITTER_NAME: 'TFactory Fixtures',
    GIT_COMMITTER_EMAIL: 'fixtures@tfactory.invalid',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
}

async function git(dir: string, date: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], { cwd: dir, env: gitEnv(date) });
  return stdout.trim();
}

/** Removes everything in `dir` except `.git`. */
async function clearTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (entry !== '.git') await rm(join(dir, entry), { recursive: true, force: true });
  }
}

async function requireDir(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isDirectory()) throw new Error(`fixture folder missing: ${path}`);
}

export async function createFixtureRepo(name: string): Promise<FixtureRepo> {
  const source = join(FIXTURE_REPOS, name);
  await requireDir(join(source, 'base'));
  await requireDir(join(source, 'head'));
  const dir = await mkdtemp(join(tmpdir(), `tfactory-fixture-${name}-`));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const baseDate = '2024-01-01T12:00:00Z';
    const headDate = '2024-01-02T12:00:00Z';
    await git(dir, baseDate, 'init', '--quiet', '--initial-branch=main');
    await cp(join(source, 'base'), dir, { recursive: true });
    await git(dir, baseDate, 'add', '-A');
    await git(dir, baseDate, 'commit', '--quiet', '-m', `${name}: base`);
    const baseSha = await git(dir, baseDate, 'rev-parse', 'HEAD');
    await git(dir, headDate, 'checkout', '--quiet', '-b', 'feature');
    await clearTree(dir);
    await cp(join(source, 'head'), dir, { recursive: true });
    await git(dir, headDate, 'add', '-A');
    await git(dir, headDate, 'commit', '--quiet', '--allow-empty', '-m', `${name}: head`);
    const headSha = await git(dir, headDate, 'rev-parse', 'HEAD');
    return { dir, base: 'main', head: 'feature', baseSha, headSha, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Absolute paths of the candidate test files of a fixture repo (fixtures/repos/<name>/candidates/). */
export async function listCandidates(name: string): Promise<string[]> {
  const dir = join(FIXTURE_REPOS, name, 'candidates');
  return (await readdir(dir)).sort().map((f) => join(dir, f));
}
