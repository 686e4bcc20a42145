// What a runner invocation may exhaust, watched from the grader's process (outside the test runner):
// the TS twin of tfactory_rt/forkrun.py's hygiene. Before an invocation the grader takes a snapshot;
// after it, `assess` kills what the tests left running and names every shared resource they
// exhausted (processes, the process limit, memory, /tmp, /scratch, output). run-tests.mjs then
// finds which test did it by running the files, then the tests, alone, so that the others are
// graded as if it were not there.
import { lstatSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { resetWritable, writableState } from './writable.mjs';

/** The prefix of a run message for a test that exhausted a resource (verdict.ts: `exhausts-resources`). */
export const RESOURCE_PREFIX = 'resource limit: ';
/** The prefix of a run message for a test caught changing the grader (verdict.ts: `tampers-with-grader`). */
export const TAMPER_PREFIX = 'tampers with the grader: ';
/** Only inside the sandbox container is every new process the tests' and the cgroup the container's. */
export const IN_CONTAINER = process.env.TFACTORY_KILL_SCOPE === 'container';
/** When /tmp has less than this left after an invocation, a test filled it. */
export const TMP_LOW_BYTES = 8 * 1024 * 1024;
/** /scratch is the host's disk: past this, the invocation is stopped (the host's hard limit is 256 MB). */
export const SCRATCH_SOFT_BYTES = 64 * 1024 * 1024;
/** The sandbox's /scratch (the host's disk), watched while tests run; not watched outside the sandbox. */
export const SCRATCH_DIR = IN_CONTAINER ? '/scratch' : undefined;
/** stdout + stderr of one invocation past this: stopped, "output limit". */
export const OUTPUT_LIMIT_BYTES = 10 * 1024 * 1024;

const CGROUP = '/sys/fs/cgroup';
const OOM = [['memory.events', 'memory/memory.oom_control'], 'oom_kill'];
const PIDS_MAX = [['pids.events', 'pids/pids.events'], 'max'];
const MB = 1024 * 1024;

function cgroupCount([names, field]) {
  if (!IN_CONTAINER) return undefined;
  for (const name of names) {
    try {
      for (const line of readFileSync(join(CGROUP, name), 'utf8').split('\n')) {
        const [k, v] = line.trim().split(/\s+/);
        if (k === field && /^\d+$/.test(v ?? '')) return Number(v);
      }
    } catch {
      // next
    }
  }
  return undefined;
}

function pids() {
  try {
    return new Set(readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number));
  } catch {
    return new Set();
  }
}

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]), pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

function cmdline(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').slice(0, 300).replace(/\0/g, ' ').trim();
    return text || `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

/** Live pids among `candidates` whose parent chain reaches `root`. */
function descendants(root, candidates) {
  return candidates.filter((pid) => {
    let cur = stat(pid)?.ppid;
    for (let i = 0; cur !== undefined && cur > 1 && i < 64; i += 1) {
      if (cur === root) return true;
      cur = stat(cur)?.ppid;
    }
    return false;
  });
}

const alive = (state) => state !== undefined && state !== 'Z' && state !== 'X';
const live = (pid) => alive(stat(pid)?.state);

/** Whether a process of group `pgid` is still alive (not a zombie). */
export function groupAlive(pgid) {
  for (const pid of pids()) {
    const s = stat(pid);
    if (s?.pgrp === pgid && alive(s.state)) return true;
  }
  return false;
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * SIGKILL every live process that appeared since `before` other than this one (outside the sandbox
 * container: only this one's descendants), until none is left; the command lines of the first few.
 */
export function killLeftovers(before) {
  const found = [];
  for (let round = 0; round < 200; round += 1) {
    let fresh = [...pids()].filter((p) => !before.has(p) && p !== process.pid && live(p));
    if (!IN_CONTAINER) fresh = descendants(process.pid, fresh);
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      if (found.length < 3) found.push(cmdline(pid));
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    sleepMs(10);
  }
  return found;
}

function entries(dir) {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

function removeNew(dir, before) {
  for (const name of entries(dir)) if (!before.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

function freeBytes(dir) {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** Bytes under `dir` (links not followed), counting stops past `stopAbove`. */
export function usage(dir, stopAbove = Number.POSITIVE_INFINITY) {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0 && total <= stopAbove) {
    const d = stack.pop();
    let names;
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        const st = lstatSync(join(d, n));
        if (st.isDirectory()) stack.push(join(d, n));
        else total += st.size;
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}

/** What `assess` compares against: taken just before an invocation. */
export function snapshot(scratchDir) {
  return {
    pids: pids(),
    tmp: entries('/tmp'),
    scratch: scratchDir ? entries(scratchDir) : new Set(),
    scratchDir,
    pidsMax: cgroupCount(PIDS_MAX),
    oom: cgroupCount(OOM),
    writable: writableState(),
  };
}

/**
 * After an invocation (its process group already ended): kills what the tests left running, clears
 * /tmp and /scratch when they filled them, puts every writable place back as it was before the
 * invocation (writable.mjs), and returns one plain phrase per resource exhausted
 * (empty when nothing was). `proc` is runProcess's result (killedBy 'output' / 'scratch', outputBytes).
 * `spare`: folders whose new entries stay (writable.mjs resetWritable).
 */
export function assess(before, proc, { spare } = {}) {
  const problems = [];
  const left = killLeftovers(before.pids);
  const pidsMax = cgroupCount(PIDS_MAX);
  if (before.pidsMax !== undefined && pidsMax !== undefined && pidsMax > before.pidsMax) {
    problems.push('hit the process limit (a fork bomb?); its processes were killed');
  } else if (left.length > 0) {
    problems.push(`left a process running: ${left.join('; ').slice(0, 300)}`);
  }
  const oom = cgroupCount(OOM);
  if (before.oom !== undefined && oom !== undefined && oom > before.oom) problems.push('out of memory (killed by the kernel)');
  const free = IN_CONTAINER ? freeBytes('/tmp') : undefined;
  if (free !== undefined && free < TMP_LOW_BYTES) {
    removeNew('/tmp', before.tmp);
    problems.push('filled /tmp (the disk the tests share); its files there were removed');
  }
  if (proc.killedBy === 'scratch' && before.scratchDir) {
    removeNew(before.scratchDir, before.scratch);
    problems.push(`filled /scratch (more than ${SCRATCH_SOFT_BYTES / MB} MB; the host's disk); its files there were removed`);
  }
  if (proc.killedBy === 'output') {
    problems.push(`output limit: it printed ${Math.floor((proc.outputBytes ?? 0) / MB)} MB (the limit is ${OUTPUT_LIMIT_BYTES / MB} MB)`);
  }
  // Nothing the invocation wrote is there for the next one to read (writable.mjs).
  if (before.writable) resetWritable(before.writable, { spare });
  return problems;
}
