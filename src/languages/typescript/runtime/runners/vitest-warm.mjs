// The warm vitest runner (runners/warm-process.mjs): the cold runner's interface served by one
// long-lived vitest process (vitest-warm-host.mjs) instead of a fresh vitest per invocation. Only
// vitest >= 4.1 with the 'forks' pool and isolation (its defaults) is run warm; anything else, and any
// run the warm process could not finish on its own (it died, or refused), goes to the cold runner.
// A run is watched on its event file: vitest's reporter appends to it as each test ends.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageDir, readEvents } from './common.mjs';
// The generated config runners/vitest.mjs writes (in the grader's .tfactory folder of the project).
import { GENERATED } from './vitest.mjs';
import { createWarmRunner } from './warm-process.mjs';

const HOST = join(dirname(fileURLToPath(import.meta.url)), 'vitest-warm-host.mjs');

/** The file 'vitest/node' resolves to, for vitest >= 4 (whose Node API the host uses); else undefined. */
export function warmVitestEntry(projectDir) {
  const dir = findPackageDir(projectDir, 'vitest');
  if (!dir) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    // createSpecification(file, { testNamePattern }) is vitest 4.1's: 4.0 takes line numbers there
    // and fails every run ("testLocations.filter is not a function", seen on unjs/ufo), so 4.0 runs cold.
    const [major, minor] = String(pkg.version).split('.').map(Number);
    if (!(major > 4 || (major === 4 && minor >= 1))) return undefined;
    const entry = pkg.exports?.['./node'];
    const rel = typeof entry === 'string' ? entry : entry?.import ?? entry?.default;
    const file = rel ? join(dir, typeof rel === 'string' ? rel : rel.default) : undefined;
    return file && existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

const realEntry = (file) => {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
};

/**
 * A warm runner over the cold vitest runner `cold` (already prepared), or undefined when warm cannot
 * apply. `from`: a warm vitest runner of another copy of the project whose runs are over (head's, for
 * the base tree): when both load the same vitest, this one's first run takes over that runner's host
 * process, which opens this project (vitest's Node API, ~0.4 s to load, is loaded already) instead of
 * a fresh host starting.
 */
export function createWarmVitestRunner({ projectDir, ioDir, cold, from }) {
  const entry = cold?.name === 'vitest' ? warmVitestEntry(projectDir) : undefined;
  if (!entry || !existsSync(join(projectDir, GENERATED))) return undefined;
  const config = join(projectDir, GENERATED);
  const theirs = from?.entry === undefined ? undefined : realEntry(from.entry);
  const same = theirs !== undefined && theirs === realEntry(entry);
  const runner = createWarmRunner({
    name: 'vitest-warm',
    cold,
    host: { path: HOST, args: [entry, config, projectDir], cwd: projectDir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TF_INCLUDE: '[]' } },
    adopt: same ? { from, message: { type: 'open', configPath: config, projectDir } } : undefined,
    prepare(spec, id) {
      mkdirSync(ioDir, { recursive: true });
      const events = join(ioDir, `warm-${id}.events.jsonl`);
      const hits = join(ioDir, `warm-${id}.hits.jsonl`);
      const key = randomBytes(32).toString('hex');
      return {
        message: { type: 'run', id, files: spec.files, tests: spec.tests?.map((t) => ({ file: t.file, names: t.names })), mutant: spec.mutant ?? '', mutants: spec.mutants, screen: spec.screen, screenGroups: spec.screenGroups, last: spec.last === true, seed: spec.seed, testTimeoutMs: spec.testTimeoutMs, events, hits, key },
        // vitest's reporter appends to the event file as each test ends: its silence is a hang.
        watchFile: events,
        resultFile: events,
        result: (proc) => ({ ...readEvents(events, hits, key), ...proc }),
      };
    },
  });
  runner.entry = entry;
  // Runs a screening spec (mutation-phase.mjs) in shared workers, one copy after another, when its
  // host says the project's test environment allows it (known once the host has run once).
  Object.defineProperty(runner, 'screens', { get: () => runner.hostReady?.screens === true });
  // Runs a spec whose files face a mutant each (`mutants`) in one invocation, when its host says so.
  Object.defineProperty(runner, 'perFileMutants', { get: () => runner.hostReady?.perFileMutants === true });
  return runner;
}
