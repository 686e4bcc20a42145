import { chmod, chown, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ScratchFile } from '../port.js';

/** The uid/gid of the `runner` user in every runner image. */
export const RUNNER_UID = 10001;
export const RUNNER_GID = 10001;

/** Name prefix of every temp folder the sandbox creates (so leftovers can be found). */
export const TEMP_PREFIX = 'tfactory-sbx-';

export interface ScratchBounds {
  maxFiles: number;
  maxTotalBytes: number;
}

export const DEFAULT_SCRATCH_BOUNDS: ScratchBounds = { maxFiles: 500, maxTotalBytes: 64 * 1024 * 1024 };

/** A fresh host folder for /scratch, owned by the runner uid when we can chown (root), else world-writable. */
export async function createScratchDir(tempRoot: string): Promise<string> {
  const dir = await mkdtemp(join(tempRoot, `${TEMP_PREFIX}${process.pid}-`));
  try {
    await chown(dir, RUNNER_UID, RUNNER_GID);
    await chmod(dir, 0o700);
  } catch {
    await chmod(dir, 0o777);
  }
  return dir;
}

/**
 * Regular files under `dir` (symlinks are never followed: a container could point one at a host file),
 * bounded in count and total size.
 */
export async function collectScratchFiles(dir: string, bounds: ScratchBounds = DEFAULT_SCRATCH_BOUNDS): Promise<ScratchFile[]> {
  const files: ScratchFile[] = [];
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (files.length >= bounds.maxFiles) return;
      const full = join(d, entry.name);
      const st = await lstat(full);
      if (st.isDirectory()) await walk(full);
      else if (st.isFile() && total + st.size <= bounds.maxTotalBytes) {
        files.push({ path: relative(dir, full).split(sep).join('/'), content: await readFile(full) });
        total += st.size;
      }
    }
  };
  await walk(dir);
  return files;
}

/** Empties the folder but keeps it (session.clearScratch). */
export async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * The runner uid must be able to read the mounted checkout: a mkdtemp folder is 0700, so add o+rx to
 * the mount root (only the root folder; files inside keep their modes, git writes them 0644/0755).
 */
export async function ensureTraversable(dir: string): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory() || (st.mode & 0o005) === 0o005) return;
  await chmod(dir, (st.mode & 0o7777) | 0o005).catch(() => undefined);
}

/** How often the host measures /scratch while a command runs. */
export const SCRATCH_POLL_MS = 250;

/** Every entry costs at least this much (its inode and directory entry), so a flood of empty files counts too. */
const ENTRY_COST = 512;

/**
 * Disk used under `dir` (blocks actually allocated, like `du`, so a sparse file costs what it holds),
 * walking with lstat and never following a symlink. Stops as soon as the total passes `stopAbove`.
 */
export async function scratchUsage(dir: string, stopAbove = Number.POSITIVE_INFINITY): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const name of names) {
      if (total > stopAbove) return;
      const full = join(d, name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      total += Math.max(st.blocks * 512, ENTRY_COST);
      if (st.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return total;
}

/**
 * Measures `dir` every `intervalMs` (one walk at a time) and calls `onExceeded` once when it passes
 * `maxBytes`. Returns the stop function. The folder can hold at most `maxBytes` plus what the
 * command writes in one interval (and one walk) before it is killed.
 */
export function watchScratch(dir: string, maxBytes: number, onExceeded: (bytes: number) => void, intervalMs = SCRATCH_POLL_MS): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    const used = await scratchUsage(dir, maxBytes);
    if (stopped) return;
    if (used > maxBytes) {
      stopped = true;
      onExceeded(used);
      return;
    }
    timer = setTimeout(() => void tick(), intervalMs);
  };
  timer = setTimeout(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
