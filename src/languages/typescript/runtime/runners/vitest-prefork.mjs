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
//
// A screening run (isolation off, mutation-phase.mjs) runs copies of a candidate one after another
// in a child of that candidate's only: there a worker takes its child when its first file is known,
// and a child whose worker vitest stopped while copies of its candidate were still to come waits,
// parked, for the next worker of that candidate.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers';
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
 * worker once, before vitest's request to run its first file. `expect({ files, last, groups })` before each
 * run says how many workers it may take, whether more runs are to come, and in a screening run
 * how many files each group has (Map group → count).
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

  // A screening run (isolation off): the copies of each group not yet handed to a worker, and the
  // children parked by workers that vitest stopped while copies of their group were still to come.
  // vitest hands a worker on only to the very next file in its queue, so a screening run whose queue
  // takes the candidates in turns (mutation-phase.mjs) would otherwise start a child at almost every
  // copy; instead the next worker of that candidate takes the parked child. A child is parked for,
  // and handed to, workers of its own group only (and of the same environment and node flags).
  const remaining = new Map();
  const parked = new Map();
  const parkKey = (group, mutant, options) => JSON.stringify([group, mutant, options.environment?.name ?? null, options.environment?.options ?? null, options.execArgv ?? []]);
  const dropParked = (group) => {
    for (const [key, list] of parked) {
      for (const entry of list) if (group === undefined || entry.group === group) entry.child.kill('SIGKILL');
      const left = list.filter((e) => group !== undefined && e.group !== group);
      if (left.length > 0) parked.set(key, left);
      else parked.delete(key);
    }
  };
  /** Counts the files of a request against their groups; returns the groups with none left. */
  const counted = (files) => {
    const done = [];
    for (const f of files ?? []) {
      const group = groupOf(f?.filepath);
      if (group === undefined || !remaining.has(group)) continue;
      const left = remaining.get(group) - 1;
      remaining.set(group, left);
      if (left <= 0) done.push(group);
    }
    return done;
  };
  const park = (key, group, child) => {
    if ((remaining.get(group) ?? 0) <= 0) {
      child.kill('SIGKILL');
      return;
    }
    // What it sends while parked (a leftover of its last copy asking vitest something) waits for
    // the worker it goes to next. vitest's own answers to that worker never come from here.
    const entry = { child, group, messages: [] };
    entry.listen = (m) => {
      if (entry.messages.length < 1000 && m?.__vitest_worker_response__ !== true) entry.messages.push(m);
    };
    entry.gone = () => {
      const list = (parked.get(key) ?? []).filter((e) => e !== entry);
      if (list.length > 0) parked.set(key, list);
      else parked.delete(key);
    };
    child.on('message', entry.listen);
    child.once('exit', entry.gone);
    parked.set(key, [...(parked.get(key) ?? []), entry]);
  };
  const unpark = (key) => {
    const list = parked.get(key) ?? [];
    let entry;
    while (list.length > 0 && !entry) {
      const e = list.shift();
      e.child.off('message', e.listen);
      e.child.off('exit', e.gone);
      if (alive(e.child)) entry = e;
      else e.child.kill('SIGKILL');
    }
    if (list.length === 0) parked.delete(key);
    return entry;
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
      // What vitest listens to: the child's events while one is attached (vitest attaches its
      // listeners once, after start(); in a screening run the child comes later, see bind()).
      this.events = new EventEmitter();
      this.relay = undefined;
    }

    on(event, callback) {
      this.events.on(event, callback);
    }

    off(event, callback) {
      this.events.off(event, callback);
    }

    /**
     * Emits `error` to vitest's listener, if there is one yet (an EventEmitter throws without, and
     * vitest's runner re-emits it on an emitter of its own that has none once its file is done).
     */
    fail(error) {
      try {
        if (this.events.listenerCount('error') > 0) this.events.emit('error', error);
      } catch {
        // Nothing waits on this worker any more: its run ends by its deadline or its exit.
      }
    }

    attach(child) {
      this.child = child;
      this.relay = {
        message: (m) => this.fromChild(m),
        error: (e) => this.fail(e),
        exit: (...args) => {
          this.onStarted?.({ error: 'the worker exited' });
          this.events.emit('exit', ...args);
        },
      };
      for (const [event, f] of Object.entries(this.relay)) child.on(event, f);
      handed.add(child.pid);
      child.stdout?.pipe(this.stdout, { end: false });
      child.stderr?.pipe(this.stderr, { end: false });
    }

    detach() {
      const child = this.child;
      for (const [event, f] of Object.entries(this.relay ?? {})) child.off(event, f);
      child.stdout?.unpipe(this.stdout);
      child.stderr?.unpipe(this.stderr);
      this.child = undefined;
      this.relay = undefined;
      return child;
    }

    fromChild(m) {
      // A fresh child's answer to the start that bind() passed on late: vitest had its answer already.
      if (this.onStarted && m?.__vitest_worker_response__ === true && m.type === 'started') {
        this.onStarted(m);
        return;
      }
      this.events.emit('message', m);
    }

    /** A child of its own (one started ahead, or one started now), with the run's environment. */
    async fresh() {
      const { distPath, execArgv, env } = this.options;
      let child = take(distPath, execArgv) ?? spawn(distPath, execArgv);
      try {
        await ready(child, env);
      } catch {
        // Died or stuck since it was started: one started now, which nothing else has seen. (If that
        // one fails too, this throws, with the child gone.)
        child.kill('SIGKILL');
        child = spawn(distPath, execArgv);
        try {
          await ready(child, env);
        } catch (e) {
          child.kill('SIGKILL');
          throw e;
        }
      }
      return child;
    }

    send(message) {
      const request = message?.__vitest_worker_request__ === true;
      // A group with no copy left frees its parked children (once this request has its own child).
      const done = request && (message.type === 'run' || message.type === 'collect') ? counted(message.context?.files) : [];
      const free = () => {
        for (const group of done) dropParked(group);
      };
      if (this.binding) {
        // A screening run's worker, bound late: what vitest sends follows its first request.
        this.binding = this.binding.then(() => this.deliver(message)).catch((e) => this.fail(e)).finally(free);
        return;
      }
      if (this.lazy && !this.child) {
        if (request && message.type === 'start') {
          // Answered here; the child that runs this worker's files is picked when they are known.
          this.startMessage = message;
          setImmediate(() => this.events.emit('message', { __vitest_worker_response__: true, type: 'started' }));
        } else if (request && (message.type === 'run' || message.type === 'collect')) {
          this.binding = this.bind(message).catch((e) => this.fail(e)).finally(free);
        } else if (request && message.type === 'stop') {
          // Never handed a file: no child to stop.
          setImmediate(() => this.events.emit('message', { __vitest_worker_response__: true, type: 'stopped' }));
        }
        return;
      }
      this.deliver(message);
      free();
    }

    deliver(message) {
      const request = message?.__vitest_worker_request__ === true;
      if (!this.child) {
        // A screening run's worker whose child could not be had (bind() said why): it has nothing to stop.
        if (request && message.type === 'stop') setImmediate(() => this.events.emit('message', { __vitest_worker_response__: true, type: 'stopped' }));
        return;
      }
      // The first files this worker is asked to run: their group is its group for good, and their
      // mutant (one: a worker runs one file, or copies that take theirs from TF_MUTANTS) its mutant.
      if (request && Array.isArray(message.context?.files) && !('group' in this)) {
        this.group = groupOfFiles(message.context.files);
        this.mutant = this.mutantFor(message.context.files);
        this.fork.send({ __tfMutant: this.mutant });
      }
      if (request && message.type === 'stop' && this.lazy && this.group !== undefined && alive(this.fork) && (remaining.get(this.group) ?? 0) > 0) {
        // More copies of this worker's candidate are still to come: its child waits for one of them
        // (stop() parks it), and no fresh child has to start for that copy.
        this.park = true;
        setImmediate(() => this.events.emit('message', { __vitest_worker_response__: true, type: 'stopped' }));
        return;
      }
      this.fork.send(message);
    }

    /** The one mutant the files face (a worker faces one). */
    mutantFor(files) {
      const mutants = new Set(files.map((f) => mutantOf(f?.filepath) ?? ''));
      if (mutants.size !== 1) throw new Error('the files of one worker face different mutants');
      return [...mutants][0];
    }

    /**
     * A screening run's worker, at its first files: a child parked by an earlier worker of the same
     * candidate (which ran only copies of that candidate), or else a fresh one, which then gets
     * vitest's start (as start() would have given it) before the files.
     */
    async bind(request) {
      const files = request.context.files;
      this.group = groupOfFiles(files);
      // Copies of several candidates in one task (vitest makes one task of a run with isolation off
      // and one worker; the host runs such a screening run a candidate at a time): never one process.
      if (this.group === undefined && files.some((f) => groupOf(f?.filepath) !== undefined)) {
        throw new Error('the files of one worker are copies of several candidates');
      }
      const mutant = this.mutantFor(files);
      this.mutant = mutant;
      if (!this.startMessage) throw new Error('vitest asked the worker to run files before starting it');
      const key = parkKey(this.group, mutant, this.options);
      const kept = this.group === undefined ? undefined : unpark(key);
      if (kept) {
        this.attach(kept.child);
        // The pool id vitest gave this worker, as vitest's start would have set it.
        kept.child.send({ __tfPoolId: String(this.startMessage.poolId ?? '') });
        for (const m of kept.messages) this.events.emit('message', m);
      } else {
        const child = await this.fresh();
        const started = new Promise((resolveStarted) => {
          this.onStarted = resolveStarted;
        });
        this.attach(child);
        child.send(this.startMessage);
        const answer = await started;
        this.onStarted = undefined;
        if (answer.error) throw new Error(`the worker did not start: ${typeof answer.error === 'string' ? answer.error : answer.error?.message ?? 'no reason given'}`);
        child.send({ __tfMutant: mutant });
      }
      this.child.send(request);
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
      if (this.child || this.lazy) return;
      // A screening run: the child is picked by the files (bind()).
      if (remaining.size > 0) {
        this.lazy = true;
        return;
      }
      this.attach(await this.fresh());
    }

    async stop() {
      await this.binding;
      if (!this.child) return;
      if (this.park && alive(this.child)) {
        park(parkKey(this.group, this.mutant, this.options), this.group, this.detach());
        return;
      }
      const child = this.fork;
      const exited = new Promise((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('exit', r);
      });
      const hard = setTimeout(() => child.kill('SIGKILL'), SIGKILL_MS);
      child.kill();
      await exited;
      clearTimeout(hard);
      this.detach();
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
    expect({ files, last, groups }) {
      current = { files, taken: 0, last };
      dropParked(undefined);
      remaining.clear();
      for (const [group, n] of groups ?? []) remaining.set(group, n);
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
      dropParked(undefined);
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
