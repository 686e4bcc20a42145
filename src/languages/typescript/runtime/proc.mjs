// One runner invocation as a child process in its own process group, killed with SIGKILL from
// outside (the whole group, workers included) on a hard deadline or when its event file stalls,
// so a synchronous infinite loop in a test cannot hang the grader.
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';
import { IN_CONTAINER, OUTPUT_LIMIT_BYTES, SCRATCH_DIR, SCRATCH_SOFT_BYTES, usage } from './guard.mjs';

const MAX_OUTPUT = 256 * 1024;

function sizeOf(path) {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/**
 * Run `cmd args` and resolve with { exitCode, signal, killedBy: null|'deadline'|'stall'|'output'|'scratch',
 * wallMs, stdout, stderr, outputBytes }. `stallMs` applies once `watchFile` exists: no growth for
 * that long kills the group. More than OUTPUT_LIMIT_BYTES of stdout + stderr kills it ('output'), and
 * so does `scratchDir` growing past SCRATCH_SOFT_BYTES ('scratch'). In the sandbox the child is made
 * the kernel's first choice when memory runs out, so an allocation bomb kills the tests, not the grader.
 * `resultFile` only ever grows (the reporter appends to it): `shrunk` is set when it got smaller or
 * vanished while the runner ran, which only a test rewriting it does.
 */
export function runProcess({ cmd, args, cwd, env, deadlineMs, stallMs, watchFile, scratchDir = SCRATCH_DIR, resultFile }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedBy = null;
    let outputBytes = 0;
    let resultMax = -1;
    let shrunk = false;
    if (IN_CONTAINER && child.pid) {
      try {
        writeFileSync(`/proc/${child.pid}/oom_score_adj`, '1000');
      } catch {
        // not allowed here: the kernel picks as it likes
      }
    }
    const onOutput = (d) => {
      outputBytes += d.length;
      if (outputBytes > OUTPUT_LIMIT_BYTES) kill('output');
    };
    child.stdout.on('data', (d) => { onOutput(d); if (stdout.length < MAX_OUTPUT) stdout += d; });
    child.stderr.on('data', (d) => { onOutput(d); if (stderr.length < MAX_OUTPUT) stderr += d; });
    const kill = (why) => {
      if (killedBy) return;
      killedBy = why;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    let lastSize = -1;
    let lastChange = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - started > deadlineMs) return kill('deadline');
      if (scratchDir && usage(scratchDir, SCRATCH_SOFT_BYTES) > SCRATCH_SOFT_BYTES) return kill('scratch');
      if (resultFile) {
        const size = sizeOf(resultFile);
        if (size < resultMax) shrunk = true;
        resultMax = Math.max(resultMax, size);
      }
      if (!watchFile || !stallMs) return;
      const size = sizeOf(watchFile);
      if (size !== lastSize) {
        lastSize = size;
        lastChange = now;
      } else if (size >= 0 && now - lastChange > stallMs) kill('stall');
    }, 100);
    let finished = false;
    const finish = (exitCode, signal) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (resultFile && sizeOf(resultFile) < resultMax) shrunk = true;
      resolve({ exitCode, signal: signal ?? null, killedBy, wallMs: Date.now() - started, stdout, stderr, outputBytes, shrunk });
    };
    child.on('error', (e) => { stderr += String(e); finish(null); });
    child.on('close', (code, signal) => finish(killedBy ? null : code, signal));
    // A process the tests left behind in another session can hold the pipes open: once the runner
    // itself has exited, wait briefly for them, then go on (guard.mjs kills what is left).
    child.on('exit', (code, signal) => {
      setTimeout(() => {
        if (finished) return;
        child.stdout.destroy();
        child.stderr.destroy();
        finish(killedBy ? null : code, signal);
      }, 2000).unref();
    });
  });
}
