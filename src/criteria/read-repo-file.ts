import { lstat, readdir } from 'node:fs/promises';
import { isTfError, TfError } from '../errors.js';
import { readContained, resolveContained } from '../files/contained.js';
import { join } from 'node:path';

/** Spec files above this size are not read (a spec is prose, not data). */
export const MAX_SPEC_BYTES = 1_000_000;

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0).replace(/\.0$/, '')} MB`;
}

/** The one-line error of a spec file over the cap: which file, its size, the cap, what to do. */
export function specTooLarge(rel: string, size: number): TfError {
  return new TfError('SPEC_INVALID', `${rel} is ${megabytes(size)} (${size} bytes), over the ${megabytes(MAX_SPEC_BYTES)} cap for spec files; it was not read`, {
    details: { path: rel, size, cap: MAX_SPEC_BYTES, reason: 'too-large' },
    hint: `shorten ${rel} (a spec is prose: move logs, data or generated text out of the spec folder), or choose another spec with --spec <id> or a TFactory-Spec line`,
  });
}

export function isSpecTooLarge(err: unknown): err is TfError {
  return isTfError(err, 'SPEC_INVALID') && err.details.reason === 'too-large';
}

/**
 * Read a repo-relative file of a checkout. Symlinks are not followed, in any component of the path:
 * a PR must not be able to point spec.md (or its folder) at a file outside the checkout. Undefined
 * when absent or not a regular file; a file over `MAX_SPEC_BYTES` is an error that says so.
 */
export async function readRepoFile(dir: string, rel: string): Promise<string | undefined> {
  try {
    const st = await lstat(await resolveContained(dir, rel)).catch(() => undefined);
    if (st?.isFile() && st.size > MAX_SPEC_BYTES) throw specTooLarge(rel, st.size);
    return await readContained(dir, rel, MAX_SPEC_BYTES);
  } catch (err) {
    if (isTfError(err, 'UNSAFE_PATH')) return undefined;
    throw err;
  }
}

/** Like readRepoFile, for a file a spec may do without: one over the cap is left out with a warning. */
export async function readOptionalRepoFile(dir: string, rel: string, warnings: string[]): Promise<string | undefined> {
  try {
    return await readRepoFile(dir, rel);
  } catch (err) {
    if (!isSpecTooLarge(err)) throw err;
    warnings.push(`${err.message} (ignored)`);
    return undefined;
  }
}

/** Names of the real (non-symlink) sub-folders of a repo-relative folder, sorted; [] if absent. */
export async function listSubfolders(dir: string, rel: string): Promise<string[]> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
