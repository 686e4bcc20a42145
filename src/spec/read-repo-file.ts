import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Spec files above this size are not read (a spec is prose, not data). */
const MAX_SPEC_BYTES = 1_000_000;

/**
 * Read a repo-relative file of a checkout. Symlinks are not followed: a PR must not be able to
 * point spec.md at a file outside the checkout. Undefined when absent, not a regular file, or too big.
 */
export async function readRepoFile(dir: string, rel: string): Promise<string | undefined> {
  const full = join(dir, rel);
  const st = await lstat(full).catch(() => undefined);
  if (!st?.isFile() || st.size > MAX_SPEC_BYTES) return undefined;
  return readFile(full, 'utf8');
}

/** Names of the real (non-symlink) sub-folders of a repo-relative folder, sorted; [] if absent. */
export async function listSubfolders(dir: string, rel: string): Promise<string[]> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
