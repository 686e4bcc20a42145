// What the warm runners share (runners/vitest-warm.mjs, runners/jest-warm.mjs): one long-lived
// runner process per evaluate session (a "host": vitest's or jest's Node API, loaded once), that
// runs one invocation at a time on request. Test code never runs in the host: its runner starts
// fresh worker processes for every run. The grader watches a warm run as proc.mjs watches a cold
// one: a hard deadline, the stall of a file the run appends to, the output limit, /scratch, and the
// result file shrinking. Stopping a run kills the host with its whole process group (its workers and
// what the tests started); the next run starts a fresh host. run-tests.mjs sends whatever follows a
// kill or a guard's trip to the cold runner (`cold`) and calls `reset()`, so that nothing of a
// tripped run carries into the next.
//
// Protocol (process.send / 'message'): the host sends { type: 'ready' } once it is up (kept as the
// runner's `hostReady`, with whatever else the host says of itself there), { type: 'done',
// id, keep } after each run (keep: the pids it owns), { type: 'failed', message } when it cannot be
// used; the grader sends { type: 'run', id, ... } (the rest is each host's own).
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';
import { groupAlive, IN_CONTAINER, OUTPUT_LIMIT_BYTES, SCRATCH_DIR, SCRATCH_SOFT_BYTES, usage } from '../guard.mjs';

/** Starting the host (the runner's config, plugins, a vite server) may take this long before the grader gives up on warm. */
const START_MS = 60_000;

function sizeOf(path) {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/**
 * After the SIGKILL of the host's group: resolves once none of its processes is alive (at most
 * `ms`). What follows a run (guard.mjs assess) takes any process still alive for one a test left
 * running, and a worker a moment from death is not one.
 */
async function groupEnded(pgid, ms = 2000) {
  const until = Date.now() + ms;
  while (Date.now() < until && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 5));
}

function killGroup(h) {
  if (!h) return;
  try {
    process.kill(-h.child.pid, 'SIGKILL');
  } catch {
    h.child.kill('SIGKILL');
  }
}

/** Forks the host `path args` in a process group of its own; `h.ready` resolves with its first 'ready' or 'failed'. */
function startHost({ path, args, cwd, env, execArgv }) {
  const child = fork(path, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env, execArgv });
  if (IN_CONTAINER && child.pid) {
    try {
      writeFileSync(`/proc/${child.pid}/oom_score_adj`, '1000');
    } catch {
      // not allowed here
    }
  }
  const h = { child, out: 0, stderr: '', listeners: new Set(), exited: false };
  const onData = (d) => {
    h.out += d.length;
    for (const l of h.listeners) l.output?.(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', (d) => { onData(d); if (h.stderr.length < 64 * 1024) h.stderr += d; });
  child.on('message', (m) => { for (const l of h.listeners) l.message?.(m); });
  child.on('exit', () => { h.exited = true; for (const l of h.listeners) l.exit?.(); });
  h.ready = nextReady(h, 'starting', 'start');
  return h;
}

/**
 * The host's next 'ready' or 'failed' (a 'failed' of the grader's own when it exits first, or says
 * nothing for START_MS), while it is `doing` (what it was told to `verb`). `before()` runs once the
 * listener is in place; what it throws is a 'failed' too.
 */
function nextReady(h, doing, verb, before = () => undefined) {
  return new Promise((resolve) => {
    const l = {
      message: (m) => { if (m?.type === 'ready' || m?.type === 'failed') { h.listeners.delete(l); resolve(m); } },
      exit: () => { h.listeners.delete(l); resolve({ type: 'failed', message: `the warm runner exited while ${doing}: ${h.stderr.slice(-500)}` }); },
    };
    h.listeners.add(l);
    setTimeout(() => { h.listeners.delete(l); resolve({ type: 'failed', message: `the warm runner did not ${verb} in time` }); }, START_MS).unref();
    try {
      before();
    } catch (e) {
      h.listeners.delete(l);
      resolve({ type: 'failed', message: `could not reach the warm runner: ${e?.message ?? e}` });
    }
  });
}

/**
 * Tells the live host `h` (another runner's, released to this one) `message`, and resolves with its
 * next 'ready' or 'failed', as startHost's `ready` does. A host a test stopped carries on first.
 */
function reopen(h, message) {
  return nextReady(h, 'opening another project', 'open the project', () => {
    process.kill(-h.child.pid, 'SIGCONT');
    h.child.send(message);
  });
}

/**
 * A warm runner: the cold runner's interface (run(spec) → normalised events) served by one host.
 * `host`: { path, args, cwd, env, execArgv } of the host process. `prepare(spec, id)` → { message,
 * watchFile, resultFile, result(proc) }: the run message to send, the file whose stall means a hung
 * test, the file that only grows, and the run's normalised output from the watched run (`proc`:
 * { killedBy, shrunk, wallMs, outputBytes, stderr, exitCode: null, signal: null }), or { warmFailed }
 * when what the host did is no run at all; `settled()`, if given, once the run has ended, however
 * it ended. run() returns that output, or { warmFailed: message } when the run must be done cold
 * instead (nothing it did is a verdict). After two such failures in a row the host is not tried again.
 */
export function createWarmRunner({ name, cold, host: hostSpec, prepare, adopt }) {
  let host;
  // `adopt`: { from, message }: the first host is `from`'s (another warm runner whose runs are
  // over), told `message` to serve this runner's project instead; it answers 'ready' or 'failed' as
  // a host does at its start. If it is gone, or fails, a fresh host starts as usual.
  let adopting = adopt;
  const firstHost = () => {
    const from = adopting?.from.release?.();
    const message = adopting?.message;
    adopting = undefined;
    if (!from) return startHost(hostSpec);
    from.adopted = true;
    from.ready = reopen(from, message);
    return from;
  };
  let broken = false;
  let counter = 0;
  let keep = [];
  let failures = 0;
  const failed = (message) => {
    runner.reset();
    failures += 1;
    if (failures >= 2) broken = true;
    return { warmFailed: message };
  };
  const runner = {
    name,
    cold,
    /** Pids the host owns (itself, a transform service): not a test's leftovers. */
    keep: () => keep,
    /** Whether a warm run can be tried at all (false once the runner refused to run warm here). */
    usable: () => !broken,
    /** Stop the host: the next run starts a fresh one. */
    reset() {
      killGroup(host);
      host = undefined;
      keep = [];
    },
    close() {
      runner.reset();
    },
    /**
     * Hands the host over to another runner (`adopt`), with nothing of a run under way: this runner
     * has none after it (a run would start a fresh one). Undefined when there is no live host.
     */
    release() {
      const h = host;
      host = undefined;
      keep = [];
      return h && !h.exited && !broken ? h : undefined;
    },
    /** Start the host now, before its first run (which waits for it): it loads while the grader prepares. */
    start() {
      if (!broken && (!host || host.exited)) host = adopting ? firstHost() : startHost(hostSpec);
    },
    async run(spec) {
      if (broken) return { warmFailed: `the warm ${cold.name} is not available` };
      if (!host || host.exited) host = adopting ? firstHost() : startHost(hostSpec);
      let r = await host.ready;
      if (r.type !== 'ready' && host.adopted) {
        // The adopted host could not open this project: a fresh one tries, as it would have.
        killGroup(host);
        host = startHost(hostSpec);
        r = await host.ready;
      }
      runner.hostReady = r;
      if (r.type !== 'ready') {
        broken = true;
        runner.reset();
        return { warmFailed: r.message };
      }
      const h = host;
      counter += 1;
      const run = prepare(spec, counter);
      const proc = await watchRun(h, run.message, { ...spec, watchFile: run.watchFile, resultFile: run.resultFile });
      run.settled?.();
      if (proc.failed) return failed(proc.failed);
      if (proc.killedBy) runner.reset();
      else keep = proc.keep;
      const out = run.result({ killedBy: proc.killedBy, shrunk: proc.shrunk, wallMs: proc.wallMs, outputBytes: proc.outputBytes, stderr: h.stderr.slice(-4000), exitCode: null, signal: null });
      if (out.warmFailed) return failed(out.warmFailed);
      failures = 0;
      return out;
    },
  };
  return runner;
}

/** Send one run to the host and watch it as proc.mjs watches a process; resolves when it is done or killed. */
function watchRun(h, message, { deadlineMs, stallMs, watchFile, resultFile }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const outAtStart = h.out;
    let killedBy = null;
    let resultMax = -1;
    let shrunk = false;
    let lastSize = -1;
    let lastChange = started;
    let finished = false;
    const finish = (extra) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      h.listeners.delete(l);
      if (sizeOf(resultFile) < resultMax) shrunk = true;
      resolve({ killedBy, shrunk, wallMs: Date.now() - started, outputBytes: h.out - outAtStart, ...extra });
    };
    const stop = (why) => {
      if (killedBy) return;
      killedBy = why;
      killGroup(h);
      clearInterval(timer);
      groupEnded(h.child.pid).then(() => finish({}));
    };
    const l = {
      output: () => { if (h.out - outAtStart > OUTPUT_LIMIT_BYTES) stop('output'); },
      // Once the grader has stopped the run, only the end of the process group finishes it.
      message: (m) => {
        if (killedBy) return;
        if (m?.type === 'done' && m.id === message.id) finish({ keep: Array.isArray(m.keep) ? m.keep.filter(Number.isInteger) : [] });
        else if (m?.type === 'failed') finish({ failed: m.message });
      },
      // The host ended mid-run (a test killed it, or the kernel did): nothing of the run is kept.
      exit: () => { if (!killedBy) finish({ failed: 'the warm runner exited during a run' }); },
    };
    h.listeners.add(l);
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - started > deadlineMs) return stop('deadline');
      if (SCRATCH_DIR && usage(SCRATCH_DIR, SCRATCH_SOFT_BYTES) > SCRATCH_SOFT_BYTES) return stop('scratch');
      const result = sizeOf(resultFile);
      if (result < resultMax) shrunk = true;
      resultMax = Math.max(resultMax, result);
      const size = sizeOf(watchFile);
      if (size !== lastSize) {
        lastSize = size;
        lastChange = now;
      } else if (size >= 0 && now - lastChange > stallMs) stop('stall');
    }, 50);
    try {
      h.child.send(message);
    } catch (e) {
      finish({ failed: `could not reach the warm runner: ${e?.message ?? e}` });
    }
  });
}

/** The pids of the live (not zombie) children of `pid` (a host's workers and helpers). */
export function childrenOf(pid = process.pid) {
  const out = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'latin1');
      const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === pid && rest[0] !== 'Z') out.push(Number(p));
    } catch {
      // gone
    }
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A runner stops its workers after a run without always waiting for them: wait (then kill) so none outlives the run. */
export async function reapChildren(pids, parent = process.pid) {
  for (let i = 0; i < 100; i += 1) {
    const left = childrenOf(parent).filter((p) => pids.has(p));
    if (left.length === 0) return;
    if (i === 50) for (const p of left) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    await sleep(10);
  }
}
