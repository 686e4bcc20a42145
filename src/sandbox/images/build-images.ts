import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { TfError } from '../../errors.js';
import type { ImageEngine } from './engine.js';
import { selectBase, type BaseChoice, type SelectBaseOptions } from './select-base.js';
import { computeRunnerTag, defaultRunnerImagesDir, hashRunnerFolder, RUNNER_NAMES, type RunnerName } from './runner-tag.js';

export interface BuildRunnerImagesOptions {
  engine: ImageEngine;
  base?: string;
  names?: readonly RunnerName[];
  imagesDir?: string;
  /** Rebuild even when the tag exists. */
  force?: boolean;
  onLine?: (line: string) => void;
  bootstrap?: SelectBaseOptions['bootstrap'];
}

export interface BuiltImage {
  name: RunnerName;
  ref: string;
  /** false when the tag already existed and the build was skipped. */
  built: boolean;
}

export interface BuildRunnerImagesResult {
  base: BaseChoice;
  images: BuiltImage[];
}

/** Labels every runner image carries, so doctor and cleanups can recognise them. */
export function runnerLabels(name: RunnerName, base: string, hash: string): Record<string, string> {
  return { 'tfactory': '1', 'tfactory.runner': name, 'tfactory.base': base, 'tfactory.hash': hash };
}

/** `tar -C <folder> -c .` as the build context stream. */
function tarFolder(folder: string): Readable {
  const child = spawn('tar', ['-C', folder, '--owner=0', '--group=0', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return child.stdout;
}

/**
 * Builds each runner image whose tag (hash of its folder + base ref) is not present yet.
 * The base is chosen automatically (see selectBase) and reported through onLine.
 */
export async function buildRunnerImages(opts: BuildRunnerImagesOptions): Promise<BuildRunnerImagesResult> {
  const { engine } = opts;
  const onLine = opts.onLine ?? (() => undefined);
  const imagesDir = opts.imagesDir ?? defaultRunnerImagesDir();
  await engine.ping();
  const base = await selectBase({
    engine, onLine,
    ...(opts.base ? { base: opts.base } : {}),
    ...(opts.bootstrap ? { bootstrap: opts.bootstrap } : {}),
  });
  const images: BuiltImage[] = [];
  for (const name of opts.names ?? RUNNER_NAMES) {
    const folder = join(imagesDir, name);
    if (!existsSync(join(folder, 'Dockerfile'))) {
      throw new TfError('IMAGE_BUILD_FAILED', `no Dockerfile for runner image '${name}'`, { details: { folder } });
    }
    const ref = computeRunnerTag(name, base.ref, imagesDir);
    if (!opts.force && (await engine.imageExists(ref))) {
      onLine(`${ref} is current; build skipped`);
      images.push({ name, ref, built: false });
      continue;
    }
    onLine(`building ${ref} from ${folder}`);
    const hash = hashRunnerFolder(folder, base.ref);
    await engine.build(
      { context: tarFolder(folder), tag: ref, buildArgs: { BASE: base.ref }, labels: runnerLabels(name, base.ref, hash) },
      (line) => onLine(`[${name}] ${line}`),
    );
    onLine(`built ${ref}`);
    images.push({ name, ref, built: true });
  }
  return { base, images };
}
