import { posix } from 'node:path';

/** Where the paths written by a tool should be made repo-relative from. */
export interface PathOptions {
  /** Absolute path of the checkout as the tool saw it (e.g. `/workspace`). Without it, paths are only tidied. */
  repoRoot?: string;
  /** Absolute directory that relative paths in the report are relative to (the project root); default repoRoot. */
  baseDir?: string;
}

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

/**
 * A repo-relative, `/`-separated path for `raw` as written by a tool. Relative paths are taken
 * relative to `base` (or opts.baseDir, or opts.repoRoot). A path outside the repo stays absolute.
 */
export function toRepoRelative(raw: string, opts: PathOptions = {}, base?: string): string {
  const p = toPosix(raw.trim());
  const root = opts.repoRoot === undefined ? undefined : posix.normalize(toPosix(opts.repoRoot));
  const baseDir = base ?? opts.baseDir ?? root;
  const absolute = posix.isAbsolute(p) ? posix.normalize(p) : baseDir !== undefined ? posix.join(toPosix(baseDir), p) : undefined;
  if (absolute === undefined || root === undefined) {
    return posix.normalize(absolute ?? p).replace(/^\.\//, '');
  }
  const rel = posix.relative(root, absolute);
  if (rel === '' || rel.startsWith('..') || posix.isAbsolute(rel)) return absolute;
  return rel;
}
