import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveCommit, runGit, tryGit } from './run-git.js';

/** Read one file at a ref; undefined if the ref has no such file. */
export async function readFileAt(dir: string, ref: string, path: string): Promise<string | undefined> {
  const spec = `${ref}:${path.replace(/^\.\//, '')}`;
  const type = (await tryGit(dir, ['cat-file', '-t', spec]))?.trim();
  if (type !== 'blob') return undefined;
  return runGit(dir, ['cat-file', 'blob', spec]);
}

/**
 * Write the tree of `ref` into `destDir` through a throw-away index, so the repository's own
 * index and working tree are untouched (export-ignore attributes do not apply, unlike git archive).
 */
export async function exportTree(dir: string, ref: string, destDir: string): Promise<void> {
  const sha = await resolveCommit(dir, ref);
  const dest = resolve(destDir);
  await mkdir(dest, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'tfactory-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    await runGit(dir, ['read-tree', sha], { env });
    await runGit(dir, ['checkout-index', '--all', '--force', `--prefix=${dest}/`], { env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
