// Writable copies of the read-only checkout: the tree is copied without node_modules and .git, and
// every node_modules folder on the project's path becomes a real folder of symlinks to the
// packages (so vite/vitest can write their caches and temp files while packages stay read-only).
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const SKIP = new Set(['node_modules', '.git']);

/** Copy `src` to `dst` (replaced), leaving out node_modules and .git folders at any depth. */
export function copyTree(src, dst) {
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dirname(dst), { recursive: true });
  cpSync(src, dst, { recursive: true, verbatimSymlinks: true, filter: (p) => !SKIP.has(basename(p)) });
}

/**
 * Where a workspace package's link in prepared dependencies should point: the package's folder in
 * the writable copy (so its source, mutants included, is what the tests import), or undefined for
 * an ordinary package. `link` is a symlink under `depsDir` whose target stays inside `depsDir`
 * outside any node_modules folder (npm, pnpm and yarn link workspace packages that way).
 */
function workspaceTarget(link, depsDir, dstRoot, onWorkspace) {
  if (!depsDir) return undefined;
  let st;
  try {
    st = lstatSync(link);
  } catch {
    return undefined;
  }
  if (!st.isSymbolicLink()) return undefined;
  const raw = readlinkSync(link);
  const target = isAbsolute(raw) ? raw : resolve(dirname(link), raw);
  const rel = relative(depsDir, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('node_modules')) return undefined;
  onWorkspace?.(rel.split(sep).join('/'));
  return join(dstRoot, rel);
}

function shadowLink(srcModules, dstModules, ws = {}) {
  mkdirSync(dstModules, { recursive: true });
  for (const entry of readdirSync(srcModules)) {
    if (entry.startsWith('.vite') || entry === '.cache') continue;
    const target = join(dstModules, entry);
    if (existsSync(target)) continue;
    const src = join(srcModules, entry);
    // A scope folder of prepared dependencies is walked one level down, for its workspace links.
    if (ws.depsDir && entry.startsWith('@') && !lstatSync(src).isSymbolicLink()) {
      shadowLink(src, target, ws);
      continue;
    }
    symlinkSync(workspaceTarget(src, ws.depsDir, ws.dstRoot, ws.onWorkspace) ?? src, target);
  }
}

/** Folders from the project root up to the repo root, repo-relative ('' is the root). */
function pathChain(projectRoot) {
  const parts = projectRoot.split('/').filter((p) => p && p !== '.');
  const out = [];
  for (let i = parts.length; i >= 0; i -= 1) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Make dependencies visible in the copy: node_modules of the checkout on the project's path, and
 * prepared dependencies, which mirror the repository's layout (`<depsDir>/<folder>/node_modules` for
 * each folder on the project's path: a workspace's hoisted packages at its root, a package's own
 * beside it). Workspace packages link to their folders in the copy, and those folders get their own
 * prepared node_modules, package by package as they are reached. Returns the folders linked (for errors).
 */
export function linkDependencies({ srcRoot, dstRoot, projectRoot, depsDir }) {
  const linked = [];
  // Workspace packages the project reaches through a link get their own prepared node_modules too
  // (pnpm, and npm for a version that cannot be hoisted, keep a package's dependencies beside it).
  const reached = [];
  const ws = { depsDir, dstRoot, onWorkspace: (rel) => reached.push(rel) };
  const linkAt = (rel) => {
    const src = join(srcRoot, rel, 'node_modules');
    if (existsSync(src)) {
      shadowLink(src, join(dstRoot, rel, 'node_modules'));
      linked.push(src);
      return;
    }
    const deps = depsDir ? join(depsDir, rel, 'node_modules') : '';
    if (deps && existsSync(deps)) {
      shadowLink(deps, join(dstRoot, rel, 'node_modules'), ws);
      linked.push(deps);
    }
  };
  const done = new Set(pathChain(projectRoot));
  for (const rel of pathChain(projectRoot)) linkAt(rel);
  while (reached.length > 0) {
    const rel = reached.shift();
    if (done.has(rel)) continue;
    done.add(rel);
    if (!existsSync(join(dstRoot, rel, 'node_modules'))) linkAt(rel);
  }
  return linked;
}
