// The warm vitest's pool (runners/vitest-warm-host.mjs): vitest's own 'forks' pool with isolation,
// a fresh child process for every test file of every run, except that each child is started ahead,
// while the previous run's tests execute, instead of when its run begins. Starting a child (node,
// then vitest's worker code) was ~140 ms of the ~160 ms a one-file mutant run took, on one core,
// with the other idle.
//
// What isolation asks is kept: a child runs one test file of one run and is stopped after it, as
// vitest's forks pool does; no test code runs in a child before its run; its environment (the
// active mutant, the hits file, the seed) is the run's, set before vitest's worker starts
// (runners/vitest-prefork-entry.mjs). A child found dead, or that does not answer, is replaced by
// one started on the spot.
import { fork } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'vitest-prefork-entry.mjs');
/**
 * The pool worker below mirrors vitest 4.1's ForksPoolWorker (start, stop, on, off, send,
 * deserialize, cacheFs); another vitest may expect more of a custom pool's worker, so there the
 * warm vitest keeps vitest's own forks pool.
 */
export function preforkSupported(version) {
  const [major, minor] = String(version ?? '').split('.').map(Number);
  return major === 4 && minor === 1;
}

/** Not exited, not killed, and its IPC channel still open. */
const alive = (c) => c.exitCode === null && c.signalCode === null && c.connected;

/** The name the project's pool is set to (vitest routes a custom pool's runs by it). */
export const PREFORK_POOL = 'tf-prefork';
/** How long a child may take to load vitest's worker and take its environment. */
const READY_MS = 60_000;
/** As vitest's forks pool: a child that does not stop on SIGTERM is killed. */
const SIGKILL_MS = 500;

/** Same test environment: the name, and the options compared as data (as vitest compares them). */
const sameEnvironment = (a, b) => a?.name === b?.name && JSON.stringify(a?.options ?? null) === JSON.stringify(b?.options ?? null);

/**
 * A vitest 4 custom pool (config `poolRunner`, routed by `pool: PREFORK_POOL`) that keeps `size`
 * started children per set of node flags. `baseEnv()`: the environment a child starts with (the run's
 * own replaces it before vitest's worker starts). `groupOf(file)`: in a run with isolation off (a
 * screening run), the group of a test file (the copies of one candidate file); a worker is handed on
 * only to a file of its own group, never from one candidate's copies to another's. `mutantOf(file)`:
 * the mutant the run has a test file face (its own in a run with a mutant per file), sent to each
 * worker once, before vitest's request to run its first file. `expect({ files, last })` before each
 * run says how many workers it may take and whether more runs are to come.
 */
export function createPreforkPool({ size, baseEnv, groupOf = () => undefined, mutantOf = () => '' }) {
  /** The one group of a task's files, or undefined (no group, or files of several). */
  const groupOfFiles = (files) => {
    const groups = new Set((files ?? []).map((f) => groupOf(f?.filepath)));
    const [g] = groups;
    return groups.size === 1 ? g : undefined;
  };
  const stash = new Map();
  const spawned = new Set();
  const handed = new Set();
  // The run under way: its number of test files, the workers it has taken, and whether another run
  // is expected after it (if not, no worker is started ahead beyond what its own files still need).
  let current = { files: Infinity, taken: 0, last: false };
  const spawn = (distPath, execArgv) => {
    const child = fork(ENTRY, [resolve(distPath, 'workers/forks.js')], { env: baseEnv(), execArgv, stdio: 'pipe', serialization: 'advanced' });
    spawned.add(child);
    child.once('exit', () => spawned.delete(child));
    // A send to a child that died emits 'error': the exit (or the ready wait) is what says so.
    child.on('error', () => undefined);
    // Its output is the run's once it has one (PreforkWorker.start pipes it); until then nothing waits on it.
    return child;
  };
  const take = (distPath, execArgv) => {
    const key = JSON.stringify(execArgv);
    const list = stash.get(key) ?? [];
    stash.set(key, list);
    let child;
    while (list.length > 0 && !child) {
      const c = list.shift();
      if (alive(c)) child = c;
      else c.kill('SIGKILL');
    }
    // A test of an earlier run could have stopped it (SIGSTOP, SIGTSTP): it resumes. (That test's
    // processes are gone by now: the grader kills what a run leaves.)
    child?.kill('SIGCONT');
    current.taken += 1;
    const want = current.last ? Math.min(size, Math.max(0, current.files - current.taken)) : size;
    while (list.length < want) list.push(spawn(distPath, execArgv));
    return child;
  };

  class PreforkWorker {
    // The pool's name: vitest hands a worker on to the next file of a run (a screening run, where
    // isolation is off) only when the worker's name is the task's pool. (The worker code is vitest's
    // forks worker; it reads no pool name.)
    name = PREFORK_POOL;
    cacheFs = true;
    constructor(options) {
      this.options = options;
      this.stdout = options.project.vitest.logger.outputStream;
      this.stderr = options.project.vitest.logger.errorStream;
      this.child = undefined;
    }

    on(event, callback) {
      this.fork.on(event, callback);
    }

    off(event, callback) {
      this.fork.off(event, callback);
    }

    send(message) {
      // The first files this worker is asked to run: their group is its group for good, and their
      // mutant (one: a worker runs one file, or copies that take theirs from TF_MUTANTS) its mutant.
      if (message?.__vitest_worker_request__ === true && Array.isArray(message.context?.files) && !('group' in this)) {
        this.group = groupOfFiles(message.context.files);
        const mutants = new Set(message.context.files.map((f) => mutantOf(f?.filepath) ?? ''));
        if (mutants.size !== 1) throw new Error('the files of one worker face different mutants');
        this.fork.send({ __tfMutant: [...mutants][0] });
      }
      this.fork.send(message);
    }

    /**
     * Whether vitest may hand this worker on to `task` (asked only when isolation is off): only to
     * files of this worker's group, in the environment it was started for. (vitest's own check, the
     * same environment, applies only to a worker without this method.)
     */
    canReuse(task) {
      const group = groupOfFiles(task?.context?.files);
      return group !== undefined && group === this.group && sameEnvironment(task.context.environment, this.options.environment);
    }

    async start() {
      if (this.child) return;
      const { distPath, execArgv, env } = this.options;
      const ahead = take(distPath, execArgv);
      this.child = ahead ?? spawn(distPath, execArgv);
      try {
        await ready(this.child, env);
      } catch {
        // Died or stuck since it was started: one started now, which nothing else has seen. (If that
        // one fails too, start() throws with it in place, for vitest's stop() to end.)
        this.child.kill('SIGKILL');
        this.child = spawn(distPath, execArgv);
        await ready(this.child, env);
      }
      handed.add(this.child.pid);
      this.child.stdout?.pipe(this.stdout, { end: false });
      this.child.stderr?.pipe(this.stderr, { end: false });
    }

    async stop() {
      const child = this.fork;
      const exited = new Promise((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('exit', r);
      });
      const hard = setTimeout(() => child.kill('SIGKILL'), SIGKILL_MS);
      child.kill();
      await exited;
      clearTimeout(hard);
      child.stdout?.unpipe(this.stdout);
      child.stderr?.unpipe(this.stderr);
      this.child = undefined;
    }

    deserialize(data) {
      return data;
    }

    get fork() {
      if (!this.child) throw new Error('the prefork worker was stopped or never started');
      return this.child;
    }
  }

  return {
    pool: { name: PREFORK_POOL, createPoolWorker: (options) => new PreforkWorker(options) },
    /**
     * Before each run: its number of test files, and `last` when no run is expected after it. Then
     * workers are started ahead only for that run's own files, and those waiting beyond them are
     * stopped: a worker started for nothing costs a node start and vitest's worker code (~0.25 s of CPU).
     */
    expect({ files, last }) {
      current = { files, taken: 0, last };
      if (!last) return;
      for (const list of stash.values()) {
        for (const c of list.splice(Math.max(0, files))) c.kill('SIGKILL');
      }
    },
    /** The pids of the children started ahead and still waiting for a run (not a test's leftovers). */
    waiting: () => [...stash.values()].flat().map((c) => c.pid).filter(Number.isInteger),
    /** The pids of the children handed a run since the last call (the run's workers, to reap after it). */
    handedOut() {
      const out = [...handed].filter(Number.isInteger);
      handed.clear();
      return out;
    },
    close() {
      for (const c of spawned) c.kill('SIGKILL');
      stash.clear();
    },
  };
}

/** Hands `child` its run's environment and waits for its answer; rejects if it dies or stays silent. */
function ready(child, env) {
  return new Promise((resolveReady, reject) => {
    const done = (err) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolveReady(child);
    };
    const onMessage = (m) => {
      if (m && typeof m === 'object' && m.__tfReady === true) done();
    };
    const onExit = () => done(new Error('the worker exited before its run'));
    const timer = setTimeout(() => done(new Error('the worker did not get ready in time')), READY_MS);
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (!alive(child)) return done(new Error('the worker is gone'));
    try {
      child.send({ __tfEnv: env });
    } catch (e) {
      done(e);
    }
  });
}
