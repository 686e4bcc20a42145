// One runner invocation as a child process in its own process group, killed with SIGKILL from
// outside (the whole group, workers included) on a hard deadline or when its event file stalls,
// so a synchronous infinite loop in a test cannot hang the grader.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const MAX_OUTPUT = 256 * 1024;

function sizeOf(path) {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/**
 * Run `cmd args` and resolve with { exitCode, killedBy: null|'deadline'|'stall', wallMs, stdout, stderr }.
 * `stallMs` applies once `watchFile` exists: no growth for that long kills the group.
 */
export function runProcess({ cmd, args, cwd, env, deadlineMs, stallMs, watchFile }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedBy = null;
    child.stdout.on('data', (d) => { if (stdout.length < MAX_OUTPUT) stdout += d; });
    child.stderr.on('data', (d) => { if (stderr.length < MAX_OUTPUT) stderr += d; });
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
      if (!watchFile || !stallMs) return;
      const size = sizeOf(watchFile);
      if (size !== lastSize) {
        lastSize = size;
        lastChange = now;
      } else if (size >= 0 && now - lastChange > stallMs) kill('stall');
    }, 200);
    const finish = (exitCode) => {
      clearInterval(timer);
      resolve({ exitCode, killedBy, wallMs: Date.now() - started, stdout, stderr });
    };
    child.on('error', (e) => { stderr += String(e); finish(null); });
    child.on('close', (code) => finish(killedBy ? null : code));
  });
}
