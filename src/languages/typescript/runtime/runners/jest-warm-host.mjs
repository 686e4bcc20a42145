// The warm jest of the TS grader (runners/jest-warm.mjs starts it): one long-lived process per
// evaluate session that has loaded jest's programmatic API (`runCLI` of @jest/core, as jest's own
// CLI calls it) once, and runs, on request, the exact test files and test names of one run (the
// head, a mutant, the control, a stability rerun) with the grader's generated config. What a cold
// run pays each time and this one does not: starting node and loading jest (runCLI still reads
// the config and builds its file map on each run).
//
// Tests never run here: the generated config sets a worker memory limit, which makes jest run every
// test file in a worker process (never "in band"), and jest starts its workers for each run and
// ends them after it: every run's tests get fresh processes, with this process's environment as set
// for that run (the active mutant, the hits file, the time limit). The reporter (the grader's
// reporter.cjs, loaded here) signs each run's events with a key the grader wrote for that run and
// that the reporter reads and deletes before the run's workers start, as in a cold run.
//
// Protocol (warm-process.mjs): in { type: 'run', id, files, testNamePattern?, seed?, last?, env }, out
// { type: 'ready' } once, { type: 'done', id, keep } after each run, { type: 'failed', message }.
import childProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenOf, reapChildren } from './warm-process.mjs';

const [jestDir, configPath, projectDir] = process.argv.slice(2);
/** The per-run variables a run message sets (runners/jest.mjs runEnv); nothing else of the environment changes. */
const RUN_KEYS = ['TF_EVENTS', 'TF_HITS', 'TF_TEST_TIMEOUT', 'TFACTORY_MUTANT'];

/** @jest/core as the installed jest loads it (jest 29 and 30 depend on it, jest-cli too). */
function loadCore() {
  const fromJest = createRequire(join(jestDir, 'package.json'));
  let path;
  try {
    path = fromJest.resolve('@jest/core');
  } catch {
    path = createRequire(fromJest.resolve('jest-cli/package.json')).resolve('@jest/core');
  }
  return { core: createRequire(import.meta.url)(path), path };
}

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'jest-prefork-entry.cjs');
/** jest-worker's child code (29: build/workers/processChild.js, 30: build/processChild.js), which jest forks for each worker. */
const PROCESS_CHILD = /[\\/]jest-worker[\\/]build[\\/](?:workers[\\/])?processChild\.js$/;

function withoutRunKeys(env) {
  const out = { ...env };
  for (const k of RUN_KEYS) delete out[k];
  return out;
}

/** The modules a jest worker loads before its first test, as this jest resolves them (those it cannot: left out). */
function workerModules(corePath) {
  const out = [];
  const from = (base, id) => {
    try {
      return createRequire(base).resolve(id);
    } catch {
      return undefined;
    }
  };
  const runner = from(corePath, 'jest-runner');
  if (runner) out.push(join(dirname(runner), 'testWorker.js'));
  const config = from(corePath, 'jest-config');
  for (const id of ['jest-circus/runner', 'jest-environment-node', 'babel-jest']) {
    const p = config && from(config, id);
    if (p) out.push(p);
  }
  const babelJest = config && from(config, 'babel-jest');
  const babel = babelJest && from(babelJest, '@babel/core');
  if (babel) out.push(babel);
  return out;
}

/**
 * Jest's workers started ahead: while a run's tests execute, the process for the next run's worker
 * is started and loads jest's worker code (jest-prefork-entry.cjs). When jest forks a worker, it
 * gets that process, with the run's environment sent to it before jest's own first message; a
 * process that died meanwhile is replaced by a plain fork. Jest's tests then run as they would in
 * a worker jest started itself: one per run, and no test code has run in it before.
 */
function preforkWorkers(preload) {
  const realFork = childProcess.fork;
  const stash = new Map();
  const handed = new Set();
  let last = false;
  const alive = (c) => c.exitCode === null && c.signalCode === null && c.connected;
  const keyOf = (modulePath, o) => JSON.stringify([modulePath, o.cwd ?? null, o.execArgv ?? null, o.execPath ?? null, o.serialization ?? null, o.silent ?? null, o.stdio ?? null]);
  const ahead = (modulePath, options) => {
    const child = realFork(ENTRY, [modulePath, ...preload], { ...options, env: withoutRunKeys(process.env) });
    // A send to a child that died emits 'error': its exit is what says so.
    child.on('error', () => undefined);
    return child;
  };
  // jest-worker calls fork on the module object (require('node:child_process').fork) when it starts a worker.
  childProcess.fork = function fork(modulePath, args, options) {
    const plain = typeof modulePath !== 'string' || !PROCESS_CHILD.test(modulePath) || (Array.isArray(args) && args.length > 0)
      || !options || typeof options !== 'object' || !options.env || typeof options.env !== 'object';
    if (plain) return Reflect.apply(realFork, this, [modulePath, args, options]);
    const key = keyOf(modulePath, options);
    let child = stash.get(key);
    if (child && !alive(child)) {
      child.kill('SIGKILL');
      child = undefined;
    }
    // None is started ahead in a run after which no other is expected (its `last`).
    if (last) stash.delete(key);
    else stash.set(key, ahead(modulePath, options));
    if (!child) return Reflect.apply(realFork, this, [modulePath, args, options]);
    // A test of an earlier run could have stopped it (SIGSTOP): it resumes (that test's processes are gone by now).
    child.kill('SIGCONT');
    child.send({ __tfEnv: options.env });
    handed.add(child.pid);
    return child;
  };
  return {
    /** Before each run: whether another run is expected after it. */
    expect(isLast) {
      last = isLast;
    },
    /** The pids of the processes started ahead and still waiting for a run. */
    waiting: () => [...stash.values()].filter(alive).map((c) => c.pid),
    /** The pids handed to jest since the last call (the run's workers, to reap after it). */
    handedOut() {
      const out = [...handed];
      handed.clear();
      return out;
    },
  };
}

async function runOnce(core, m, standing, prefork) {
  for (const k of RUN_KEYS) process.env[k] = typeof m.env?.[k] === 'string' ? m.env[k] : '';
  // jest's CLI flags as the cold runner passes them (runners/jest.mjs), in runCLI's argv shape.
  const argv = {
    $0: 'jest', _: m.files, config: configPath, ci: true, runTestsByPath: true, watchman: false, passWithNoTests: true, useStderr: true,
    ...(m.testNamePattern ? { testNamePattern: m.testNamePattern } : {}),
    ...(m.seed !== undefined && m.seed !== null ? { randomize: true, seed: m.seed } : {}),
  };
  prefork.expect(m.last === true);
  const before = new Set(childrenOf());
  try {
    await core.runCLI(argv, [projectDir]);
  } finally {
    for (const k of RUN_KEYS) delete process.env[k];
    // The run's workers (jest ends them without always waiting): those handed to it (started ahead,
    // so already there before it) and any other child it started; not the one started for the next run.
    const waiting = new Set(prefork.waiting());
    await reapChildren(new Set([...prefork.handedOut(), ...childrenOf().filter((p) => !before.has(p) && !standing.has(p) && !waiting.has(p))]));
  }
  process.send({ type: 'done', id: m.id, keep: [process.pid, ...childrenOf()] });
}

function main() {
  let core;
  let prefork;
  try {
    const loaded = loadCore();
    core = loaded.core;
    if (typeof core.runCLI !== 'function') throw new Error('@jest/core has no runCLI');
    prefork = preforkWorkers(workerModules(loaded.path));
  } catch (e) {
    process.send({ type: 'failed', message: `jest's API could not be loaded: ${String(e?.message ?? e).slice(0, 500)}` });
    return;
  }
  const standing = new Set(childrenOf());
  process.send({ type: 'ready' });
  let queue = Promise.resolve();
  process.on('message', (m) => {
    if (m?.type !== 'run') return;
    queue = queue.then(() => runOnce(core, m, standing, prefork)).catch((e) => process.send({ type: 'failed', message: String(e?.stack ?? e).slice(0, 2000) }));
  });
  process.on('disconnect', () => process.exit(0));
}

main();
