// The warm vitest runner: the cold runner's interface (run(spec) → normalised events) served by one
// long-lived vitest process (vitest-warm-host.mjs) instead of a fresh vitest per invocation. Only
// vitest >= 4 with the 'forks' pool and isolation (its defaults) is run warm; anything else, and any
// run the warm process could not finish on its own (it died, or refused), goes to the cold runner.
//
// The grader watches a warm run as proc.mjs watches a cold one: a hard deadline, the event file's
// stall, the output limit, /scratch and the event file shrinking. Stopping a run kills the warm
// process with its whole process group (its workers and what the tests started); the next warm
// run starts a fresh one. run-tests.mjs sends whatever follows a kill or a guard's trip to the cold
// runner (`cold`), and calls `reset()` so that nothing of a tripped run carries into the next.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { groupAlive, IN_CONTAINER, OUTPUT_LIMIT_BYTES, SCRATCH_DIR, SCRATCH_SOFT_BYTES, usage } from '../guard.mjs';
import { findPackageDir, readEvents } from './common.mjs';
// The generated config runners/vitest.mjs writes (in the grader's .tfactory folder of the project).
import { GENERATED } from './vitest.mjs';

const HOST = join(dirname(fileURLToPath(import.meta.url)), 'vitest-warm-host.mjs');
/** Starting vitest (config, plugins, the vite server) may take this long before the grader gives up on warm. */
const START_MS = 60_000;

/**
 * After the SIGKILL of the warm process's group: resolves once none of its processes is alive (at
 * most `ms`). What follows a run (guard.mjs assess) takes any process still alive for one a test
 * left running, and a worker a moment from death is not one.
 */
async function groupEnded(pgid, ms = 2000) {
  const until = Date.now() + ms;
  while (Date.now() < until && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 5));
}

function sizeOf(path) {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

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

/** A warm runner over the cold vitest runner `cold` (already prepared), or undefined when warm cannot apply. */
export function createWarmVitestRunner({ projectDir, ioDir, cold }) {
  const entry = cold?.name === 'vitest' ? warmVitestEntry(projectDir) : undefined;
  if (!entry || !existsSync(join(projectDir, GENERATED))) return undefined;
  let host;
  let broken = false;
  let counter = 0;
  let keep = [];

  const kill = (h) => {
    if (!h) return;
    try {
      process.kill(-h.child.pid, 'SIGKILL');
    } catch {
      h.child.kill('SIGKILL');
    }
  };

  const start = () => {
    const child = fork(HOST, [entry, join(projectDir, GENERATED), projectDir], {
      cwd: projectDir, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TF_INCLUDE: '[]' },
    });
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
    h.ready = new Promise((resolve) => {
      const l = {
        message: (m) => { if (m?.type === 'ready' || m?.type === 'failed') { h.listeners.delete(l); resolve(m); } },
        exit: () => { h.listeners.delete(l); resolve({ type: 'failed', message: `the warm vitest exited while starting: ${h.stderr.slice(-500)}` }); },
      };
      h.listeners.add(l);
      setTimeout(() => { h.listeners.delete(l); resolve({ type: 'failed', message: 'the warm vitest did not start in time' }); }, START_MS).unref();
    });
    return h;
  };

  const runner = {
    name: 'vitest-warm',
    cold,
    /** Pids the warm process owns (itself, a transform service): not a test's leftovers. */
    keep: () => keep,
    /** Whether a warm run can be tried at all (false once vitest refused to run warm here). */
    usable: () => !broken,
    /** Stop the warm process: the next run starts a fresh one. */
    reset() {
      kill(host);
      host = undefined;
      keep = [];
    },
    close() {
      runner.reset();
    },
    /**
     * spec: as runners/vitest.mjs run(). Returns its shape, or { warmFailed: message } when the run
     * must be done cold instead (nothing it did is a verdict).
     */
    async run(spec) {
      if (broken) return { warmFailed: 'the warm vitest is not available' };
      if (!host || host.exited) {
        host = start();
        const r = await host.ready;
        if (r.type !== 'ready') {
          broken = true;
          runner.reset();
          return { warmFailed: r.message };
        }
      }
      const h = host;
      counter += 1;
      mkdirSync(ioDir, { recursive: true });
      const events = join(ioDir, `warm-${counter}.events.jsonl`);
      const hits = join(ioDir, `warm-${counter}.hits.jsonl`);
      const key = randomBytes(32).toString('hex');
      const proc = await watchRun(h, { type: 'run', id: counter, files: spec.files, tests: spec.tests?.map((t) => ({ file: t.file, names: t.names })), mutant: spec.mutant ?? '', seed: spec.seed, testTimeoutMs: spec.testTimeoutMs, events, hits, key }, spec);
      if (proc.killedBy) runner.reset();
      else if (proc.failed) {
        runner.reset();
        return { warmFailed: proc.failed };
      } else keep = proc.keep;
      return { ...readEvents(events, hits, key), shrunk: proc.shrunk, killedBy: proc.killedBy, wallMs: proc.wallMs, exitCode: null, signal: null, outputBytes: proc.outputBytes, stderr: h.stderr.slice(-4000) };
    },
  };
  return runner;
}

/** Send one run to the host and watch it as proc.mjs watches a process; resolves when it is done or killed. */
function watchRun(h, message, { deadlineMs, stallMs }) {
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
      if (sizeOf(message.events) < resultMax) shrunk = true;
      resolve({ killedBy, shrunk, wallMs: Date.now() - started, outputBytes: h.out - outAtStart, ...extra });
    };
    const stop = (why) => {
      if (killedBy) return;
      killedBy = why;
      try {
        process.kill(-h.child.pid, 'SIGKILL');
      } catch {
        h.child.kill('SIGKILL');
      }
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
      // The warm process ended mid-run (a test killed it, or the kernel did): nothing of the run is kept.
      exit: () => { if (!killedBy) finish({ failed: 'the warm vitest exited during a run' }); },
    };
    h.listeners.add(l);
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - started > deadlineMs) return stop('deadline');
      if (SCRATCH_DIR && usage(SCRATCH_DIR, SCRATCH_SOFT_BYTES) > SCRATCH_SOFT_BYTES) return stop('scratch');
      const size = sizeOf(message.events);
      if (size < resultMax) shrunk = true;
      resultMax = Math.max(resultMax, size);
      if (size !== lastSize) {
        lastSize = size;
        lastChange = now;
      } else if (size >= 0 && now - lastChange > stallMs) stop('stall');
    }, 50);
    try {
      h.child.send(message);
    } catch (e) {
      finish({ failed: `could not reach the warm vitest: ${e?.message ?? e}` });
    }
  });
}
