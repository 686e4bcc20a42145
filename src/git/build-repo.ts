import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './run-git.js';

/**
 * A real git repository built from two trees: `base/` committed on `main`, then the full `head/`
 * tree (files absent from it are deleted) committed on `feature` on top. Identity and dates are
 * fixed, so the SHAs are the same on every machine. Used by the demo and the benchmarks.
 * `skipDirs` names folders never copied (caches and installed dependencies; the callers take
 * them from the language registry, git knows no language).
 */
export interface BuiltRepo {
  dir: string;
  base: 'main';
  head: 'feature';
  baseSha: string;
  headSha: string;
  cleanup(): Promise<void>;
}

function identity(date: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: 'TFactory Fixtures', GIT_AUTHOR_EMAIL: 'fixtures@tfactory.invalid',
    GIT_COMMITTER_NAME: 'TFactory Fixtures', GIT_COMMITTER_EMAIL: 'fixtures@tfactory.invalid',
    GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date,
  };
}

async function requireDir(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isDirectory()) throw new Error(`fixture folder missing: ${path}`);
}

async function copyTree(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
  await cp(from, to, { recursive: true, filter: (src) => !src.split(/[\\/]/).some((part) => skip.has(part)) });
}

export async function buildRepoFromTrees(source: string, name: string, skipDirs: Iterable<string> = [], tmpRoot: string = tmpdir()): Promise<BuiltRepo> {
  const skip = new Set(['.git', ...skipDirs]);
  await requireDir(join(source, 'base'));
  await requireDir(join(source, 'head'));
  const dir = await mkdtemp(join(tmpRoot, `tfactory-${name}-`));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const git = (date: string, ...args: string[]): Promise<string> =>
    runGit(dir, ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], { env: identity(date) }).then((s) => s.trim());
  try {
    const baseDate = '2024-01-01T12:00:00Z';
    const headDate = '2024-01-02T12:00:00Z';
    await git(baseDate, 'init', '--quiet', '--initial-branch=main');
    await copyTree(join(source, 'base'), dir, skip);
    await git(baseDate, 'add', '-A');
    await git(baseDate, 'commit', '--quiet', '-m', `${name}: base`);
    const baseSha = await git(baseDate, 'rev-parse', 'HEAD');
    await git(headDate, 'checkout', '--quiet', '-b', 'feature');
    for (const entry of await readdir(dir)) if (entry !== '.git') await rm(join(dir, entry), { recursive: true, force: true });
    await copyTree(join(source, 'head'), dir, skip);
    await git(headDate, 'add', '-A');
    await git(headDate, 'commit', '--quiet', '--allow-empty', '-m', `${name}: head`);
    const headSha = await git(headDate, 'rev-parse', 'HEAD');
    return { dir, base: 'main', head: 'feature', baseSha, headSha, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
