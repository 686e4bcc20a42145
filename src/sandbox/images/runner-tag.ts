import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runner images TFactory builds, one folder each under runner-images/. */
export const RUNNER_NAMES = ['python', 'node'] as const;
export type RunnerName = (typeof RUNNER_NAMES)[number];

/** The base image used when nothing else is said (pulled or present locally). */
export const DEFAULT_BASE = 'debian:bookworm-slim';
/** The base made by debootstrap + `docker import` when no registry is reachable. */
export const BOOTSTRAP_BASE = 'tfactory/debian-bootstrap:bookworm';

export function isRunnerName(value: string): value is RunnerName {
  return (RUNNER_NAMES as readonly string[]).includes(value);
}

/** runner-images/ of this checkout: the same three levels up from src/sandbox/images and dist/sandbox/images. */
export function defaultRunnerImagesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'runner-images');
}

export function runnerRepository(name: RunnerName): string {
  return `tfactory/runner-${name}`;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out.map((f) => relative(dir, f).split(sep).join('/')).sort();
}

/**
 * sha256 over the folder's files (sorted relative path, NUL, content, NUL for each) and then
 * `BASE=<base ref>`. A changed Dockerfile or base gives a new tag; an unchanged one is reused.
 */
export function hashRunnerFolder(folder: string, base: string): string {
  const h = createHash('sha256');
  for (const rel of listFiles(folder)) {
    h.update(rel);
    h.update('\0');
    h.update(readFileSync(join(folder, rel)));
    h.update('\0');
  }
  h.update(`BASE=${base}`);
  return h.digest('hex');
}

/** `tfactory/runner-<name>:<first 12 hex of the folder hash>`. */
export function computeRunnerTag(name: RunnerName, base: string, imagesDir = defaultRunnerImagesDir()): string {
  return `${runnerRepository(name)}:${hashRunnerFolder(join(imagesDir, name), base).slice(0, 12)}`;
}
