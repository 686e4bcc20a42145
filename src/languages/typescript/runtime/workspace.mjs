// Writable copies of the read-only checkout: the tree is copied without node_modules and .git, and
// every node_modules folder on the project's path becomes a real folder of symlinks to the
// packages (so vite/vitest can write their caches and temp files while packages stay read-only).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const SKIP = new Set(['node_modules', '.git']);

/** Copy `src` to `dst` (replaced), leaving out node_modules and .git folders at any depth. */
export function copyTree(src, dst) {
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dirname(dst), { recursive: true });
  cpSync(src, dst, { recursive: true, verbatimSymlinks: true, filter: (p) => !SKIP.has(basename(p)) });
}

function shadowLink(srcModules, dstModules) {
  mkdirSync(dstModules, { recursive: true });
  for (const entry of readdirSync(srcModules)) {
    if (entry.startsWith('.vite') || entry === '.cache') continue;
    const target = join(dstModules, entry);
    if (!existsSync(target)) symlinkSync(join(srcModules, entry), target);
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
 * Make dependencies visible in the copy: node_modules of the checkout on the project's path, else
 * `<depsDir>/node_modules` linked at the project root. Returns the folders linked (for errors).
 */
export function linkDependencies({ srcRoot, dstRoot, projectRoot, depsDir }) {
  const linked = [];
  for (const rel of pathChain(projectRoot)) {
    const src = join(srcRoot, rel, 'node_modules');
    if (existsSync(src)) {
      shadowLink(src, join(dstRoot, rel, 'node_modules'));
      linked.push(src);
    }
  }
  const deps = depsDir ? join(depsDir, 'node_modules') : '';
  if (deps && existsSync(deps) && !existsSync(join(srcRoot, projectRoot, 'node_modules'))) {
    shadowLink(deps, join(dstRoot, projectRoot, 'node_modules'));
    linked.push(deps);
  }
  return linked;
}
