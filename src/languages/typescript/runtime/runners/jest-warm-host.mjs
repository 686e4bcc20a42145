// The warm jest of the TS grader (runners/jest-warm.mjs starts it): one long-lived process per
// evaluate session that has loaded jest's programmatic API (`runCLI` of @jest/core, as jest's own
// CLI calls it) once, and runs, on request, the exact test files and test names of one run (the
// head, a mutant, the control, a stability rerun) with the grader's generated config. What a cold
// run pays each time and this one does not: starting node, loading jest and reading its config.
//
// Tests never run here: the generated config sets a worker memory limit, which makes jest run every
// test file in a worker process (never "in band"), and jest starts its workers for each run and
// ends them after it: every run's tests get fresh processes, with this process's environment as set
// for that run (the active mutant, the hits file, the time limit). The reporter (the grader's
// reporter.cjs, loaded here) signs each run's events with a key the grader wrote for that run and
// that the reporter reads and deletes before the run's workers start, as in a cold run.
//
// Protocol (warm-process.mjs): in { type: 'run', id, files, testNamePattern?, seed?, env }, out
// { type: 'ready' } once, { type: 'done', id, keep } after each run, { type: 'failed', message }.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { childrenOf, reapChildren } from './warm-process.mjs';

const [jestDir, configPath, projectDir] = process.argv.slice(2);
/** The per-run variables a run message sets (runners/jest.mjs runEnv); nothing else of the environment changes. */
const RUN_KEYS = ['TF_EVENTS', 'TF_HITS', 'TF_TEST_TIMEOUT', 'TFACTORY_MUTANT'];

/** @jest/core as the installed jest loads it (jest 29 and 30 depend on it, jest-cli too). */
function loadCore() {
  const fromJest = createRequire(join(jestDir, 'package.json'));
  try {
    return fromJest('@jest/core');
  } catch {
    return createRequire(fromJest.resolve('jest-cli/package.json'))('@jest/core');
  }
}

async function runOnce(core, m, standing) {
  for (const k of RUN_KEYS) process.env[k] = typeof m.env?.[k] === 'string' ? m.env[k] : '';
  // jest's CLI flags as the cold runner passes them (runners/jest.mjs), in runCLI's argv shape.
  const argv = {
    $0: 'jest', _: m.files, config: configPath, ci: true, runTestsByPath: true, watchman: false, passWithNoTests: true, useStderr: true,
    ...(m.testNamePattern ? { testNamePattern: m.testNamePattern } : {}),
    ...(m.seed !== undefined && m.seed !== null ? { randomize: true, seed: m.seed } : {}),
  };
  const before = new Set(childrenOf());
  try {
    await core.runCLI(argv, [projectDir]);
  } finally {
    for (const k of RUN_KEYS) delete process.env[k];
    // The run's workers (jest ends them without always waiting): none outlives its run.
    await reapChildren(new Set(childrenOf().filter((p) => !before.has(p) && !standing.has(p))));
  }
  process.send({ type: 'done', id: m.id, keep: [process.pid, ...childrenOf()] });
}

function main() {
  let core;
  try {
    core = loadCore();
    if (typeof core.runCLI !== 'function') throw new Error('@jest/core has no runCLI');
  } catch (e) {
    process.send({ type: 'failed', message: `jest's API could not be loaded: ${String(e?.message ?? e).slice(0, 500)}` });
    return;
  }
  const standing = new Set(childrenOf());
  process.send({ type: 'ready' });
  let queue = Promise.resolve();
  process.on('message', (m) => {
    if (m?.type !== 'run') return;
    queue = queue.then(() => runOnce(core, m, standing)).catch((e) => process.send({ type: 'failed', message: String(e?.stack ?? e).slice(0, 2000) }));
  });
  process.on('disconnect', () => process.exit(0));
}

main();
