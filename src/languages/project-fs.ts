import { lstat, readdir } from 'node:fs/promises';
import { readContained } from '../files/contained.js';
import { join, posix } from 'node:path';

/** Read-only, repo-relative view of a checkout for the plug-ins' detectors (symlinks are not followed). */
export interface ProjectFs {
  isFile(rel: string): Promise<boolean>;
  isDir(rel: string): Promise<boolean>;
  /** Text of a small file, undefined if absent or larger than 1 MB. */
  read(rel: string): Promise<string | undefined>;
  /** Files under `rel` (repo-relative), breadth-first, skipping vendored and hidden folders. */
  walk(rel: string, opts?: { maxDepth?: number; maxFiles?: number }): Promise<string[]>;
  /** The nearest folder at or above `fileRel`'s folder holding one of `markers` ('' = repo root). */
  nearestWith(fileRel: string, markers: string[]): Promise<string | undefined>;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache', 'site-packages']);

/** A ProjectFs over the checkout at `dir`. */
export function createProjectFs(dir: string): ProjectFs {
  const stat = (rel: string) => lstat(join(dir, rel)).catch(() => undefined);
  return {
    isFile: async (rel) => Boolean((await stat(rel))?.isFile()),
    isDir: async (rel) => Boolean((await stat(rel))?.isDirectory()),
    // No link is followed, on the way either: a PR's `package.json -> /etc/...` or linked folder is not read.
    read: async (rel) => readContained(dir, rel, 1_000_000).catch(() => undefined),
    walk: async (rel, opts = {}) => {
      const maxDepth = opts.maxDepth ?? 4;
      const maxFiles = opts.maxFiles ?? 2000;
      const out: string[] = [];
      let level: string[] = [rel];
      for (let depth = 0; depth <= maxDepth && level.length > 0 && out.length < maxFiles; depth++) {
        const next: string[] = [];
        for (const folder of level) {
          const entries = await readdir(join(dir, folder), { withFileTypes: true }).catch(() => []);
          for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
            const p = folder ? posix.join(folder, e.name) : e.name;
            if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) next.push(p);
            else if (e.isFile() && out.length < maxFiles) out.push(p);
          }
        }
        level = next;
      }
      return out;
    },
    nearestWith: async (fileRel, markers) => {
      let folder = posix.dirname(fileRel);
      for (;;) {
        const base = folder === '.' ? '' : folder;
        for (const m of markers) if ((await stat(base ? posix.join(base, m) : m))?.isFile()) return base;
        if (base === '') return undefined;
        folder = posix.dirname(base);
      }
    },
  };
}
