/**
 * The static guard's cost per candidate file, for bench:evaluate: a fixture's candidates checked in
 * the real sandbox (one reused container, as the evaluate stage does), all in one guard process
 * (what evaluate does; median of 3 rounds) and one process per file (what it did before), after
 * a warm-up. The cost
 * of one more file is (all files - one file) / (files - 1).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { languageOfPath, pluginFor, runnerFor } from '../languages/registry.js';
import { runStaticChecks, runStaticChecksMany } from '../languages/static-checks.js';
import type { CandidateFile } from '../languages/candidate.js';
import { createDockerSandbox } from '../sandbox/docker/index.js';
import { requireRunnerImage } from '../sandbox/images/index.js';
import { reuseContainers } from '../sandbox/reuse-containers.js';

export interface GuardCost {
  files: number;
  /** Seconds: one file, all files in one process, all files one process each. */
  oneS: number;
  batchS: number;
  perProcessS: number;
  /** Seconds per additional file, batched and one process per file. */
  perFileBatchS: number;
  perFilePerProcessS: number;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function median3(fn: () => Promise<unknown>): Promise<number> {
  const rounds = [await timed(fn), await timed(fn), await timed(fn)].sort((a, b) => a - b);
  return rounds[1] as number;
}

export async function measureGuardCost(fixtureDir: string): Promise<GuardCost> {
  const candDir = join(fixtureDir, 'candidates');
  const candidates: CandidateFile[] = [];
  for (const f of (await readdir(candDir)).sort()) {
    const language = languageOfPath(f);
    if (!language) continue;
    const framework = pluginFor(language).frameworks[0];
    if (!framework) continue;
    candidates.push({ path: `tests/${f}`, content: await readFile(join(candDir, f), 'utf8'), language, framework, origin: 'provided', acIds: [] });
  }
  const first = candidates[0];
  if (!first || candidates.length < 2) throw new Error(`${fixtureDir}: needs at least two candidate files`);
  const base = createDockerSandbox();
  const sandbox = reuseContainers(base);
  try {
    const image = await requireRunnerImage(runnerFor(first.language), { engine: base.images });
    const deps = { sandbox, image, workspace: join(fixtureDir, 'head') };
    const items = candidates.map((candidate) => ({ candidate, acs: [] }));
    await runStaticChecksMany(items.slice(0, 1), deps); // warm-up: the container starts
    // Medians of 3 rounds (the one-process figures are small next to the machine's noise).
    const oneS = await median3(() => runStaticChecksMany(items.slice(0, 1), deps));
    const batchS = await median3(() => runStaticChecksMany(items, deps));
    const perProcessS = await timed(async () => {
      for (const c of candidates) await runStaticChecks(c, [], deps);
    });
    const n = candidates.length;
    return { files: n, oneS, batchS, perProcessS, perFileBatchS: (batchS - oneS) / (n - 1), perFilePerProcessS: (perProcessS - oneS) / (n - 1) };
  } finally {
    await sandbox.close();
  }
}
