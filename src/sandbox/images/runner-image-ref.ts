import { TfError } from '../../errors.js';
import type { ImageEngine } from './engine.js';
import {
  BOOTSTRAP_BASE, computeRunnerTag, DEFAULT_BASE, defaultRunnerImagesDir, RUNNER_NAMES, runnerRepository, type RunnerName,
} from './runner-tag.js';

export interface RunnerRefOptions {
  engine: ImageEngine;
  /** The base the images were built on; when absent, the base `images build` would pick offline. */
  base?: string;
  imagesDir?: string;
}

/** Bases tried, in the order `tfactory images build` prefers them. */
const CANDIDATE_BASES = [DEFAULT_BASE, BOOTSTRAP_BASE];

/**
 * The image reference of a runner: the same tag `tfactory images build` produces. Without a base,
 * the first candidate base whose runner tag exists wins; otherwise the tag for the base a build
 * would choose now (so a missing image reports the tag to build).
 */
export async function runnerImageRef(name: RunnerName, opts: RunnerRefOptions): Promise<string> {
  const imagesDir = opts.imagesDir ?? defaultRunnerImagesDir();
  if (opts.base) return computeRunnerTag(name, opts.base, imagesDir);
  for (const base of CANDIDATE_BASES) {
    const ref = computeRunnerTag(name, base, imagesDir);
    if (await opts.engine.imageExists(ref)) return ref;
  }
  for (const base of CANDIDATE_BASES) {
    if (await opts.engine.imageExists(base)) return computeRunnerTag(name, base, imagesDir);
  }
  return computeRunnerTag(name, DEFAULT_BASE, imagesDir);
}

/** Like runnerImageRef, but throws IMAGE_MISSING (with the fix) when the current tag is absent. */
export async function requireRunnerImage(name: RunnerName, opts: RunnerRefOptions): Promise<string> {
  const ref = await runnerImageRef(name, opts);
  if (!(await opts.engine.imageExists(ref))) {
    throw new TfError('IMAGE_MISSING', `runner image ${ref} is not built`, {
      details: { image: ref },
      hint: 'Run `tfactory images build` (or scripts/setup.sh).',
    });
  }
  return ref;
}

export interface RunnerImageStatus {
  name: RunnerName;
  /** The tag that matches the folder's current content. */
  expected: string;
  /** Whether `expected` exists locally. */
  current: boolean;
  /** Every local tag of this runner's repository (stale ones included). */
  present: string[];
}

/** Status of every runner image, for `tfactory doctor`. */
export async function listRunnerImages(opts: RunnerRefOptions): Promise<RunnerImageStatus[]> {
  const out: RunnerImageStatus[] = [];
  for (const name of RUNNER_NAMES) {
    const expected = await runnerImageRef(name, opts);
    const present = await opts.engine.listTags(runnerRepository(name));
    out.push({ name, expected, current: present.includes(expected), present });
  }
  return out;
}
