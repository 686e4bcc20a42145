import { readdir } from 'node:fs/promises';
import { isTfError } from '../errors.js';
import { readContained } from '../files/contained.js';
import { join } from 'node:path';

/** Spec files above this size are not read (a spec is prose, not data). */
const MAX_SPEC_BYTES = 1_000_000;

/**
 * Read a repo-relative file of a checkout. Symlinks are not followed, in any component of the path:
 * a PR must not be able to point spec.md (or its folder) at a file outside the checkout. Undefined when absent, not a regular file, or too big.
 */
export async function readRepoFile(dir: string, rel: string): Promise<string | undefined> {
  try {
    return await readContained(dir, rel, MAX_SPEC_BYTES);
  } catch (err) {
    if (isTfError(err, 'UNSAFE_PATH')) return undefined;
    throw err;
  }
}

/** Names of the real (non-symlink) sub-folders of a repo-relative folder, sorted; [] if absent. */
export async function listSubfolders(dir: string, rel: string): Promise<string[]> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
