import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker.js';

const ROOT = resolve(import.meta.dirname, '../..');
const STEPS = join(ROOT, 'scripts/lib/steps.sh');
const tmp = mkdtempSync(join(tmpdir(), 'tfactory-setup-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Ran { status: number | null; stdout: string; stderr: string; lines: string[] }

function bash(args: string[], env: Record<string, string> = {}, timeout = 30_000): Ran {
  const r = spawnSync('bash', args, { cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, TMPDIR: tmp, ...env } });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l !== '');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

/** Sources the step runner and runs `body` (bash) after it, with plain (non-TTY) output. */
function withSteps(body: string, env: Record<string, string> = {}): Ran & { log: string } {
  const log = join(tmp, `steps-${Math.random().toString(36).slice(2)}.log`);
  const script = `set -euo pipefail\nsource ${JSON.stringify(STEPS)}\n${body.replaceAll('$LOG', JSON.stringify(log))}\n`;
  return { ...bash(['-c', script], { STEPS_TTY: '0', ...env }), log };
}

const DURATION = /\((\d+\.\d s|\d+ min \d+ s)\)$/;

describe('scripts/lib/steps.sh (the step runner)', () => {
  it('prints the log path once, then one line per step with its result and duration', () => {
    const r = withSteps(`
      quiet() { echo "noise for the log"; step_result "up to date"; }
      plain() { echo "more noise"; }
      steps_init 2 $LOG
      step_run "First" quiet
      step_run "Second" plain
      steps_finish`);
    expect(r.status).toBe(0);
    expect(r.lines).toHaveLength(4);
    expect(r.lines[0]).toBe(`[setup] log: ${r.log}`);
    expect(r.lines[1]).toMatch(/^\[setup\] 1\/2 First \.+ up to date \(\d+\.\d s\)$/);
    expect(r.lines[2]).toMatch(/^\[setup\] 2\/2 Second \.+ done \(\d+\.\d s\)$/);
    expect(r.lines[3]).toMatch(/^\[setup\] done in \d+\.\d s$/);
    const log = readFileSync(r.log, 'utf8');
    expect(log).toContain('noise for the log');
    expect(log).toContain('more noise');
    expect(r.stdout).not.toContain('noise');
  });

  it('reports a failing step with the tail of its log, the log path and what to do, and exits with its status', () => {
    const r = withSteps(`
      ok() { echo "earlier step output"; }
      bad() { for i in $(seq 1 30); do echo "output line $i"; done; step_hint "free some disk space"; sh -c 'exit 3'; echo "AFTER THE FAILURE"; }
      never() { echo "NEXT STEP RAN" >&2; }
      steps_init 3 $LOG
      step_run "Fine" ok
      step_run "Broken" bad
      step_run "Never" never`);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/\[setup\] 2\/3 Broken \.+ FAILED \(\d+\.\d s\)\n$/);
    expect(r.stderr).toContain('[setup] Broken failed (exit status 3); last lines of its log:');
    // The last ~20 lines of this step's own log, the command that stopped it last.
    expect(r.stderr).toContain('    output line 30\n');
    expect(r.stderr).toContain('    output line 12\n');
    expect(r.stderr).not.toContain('output line 5\n');
    expect(r.stderr).not.toContain('earlier step output');
    expect(r.stderr).toContain("(stopped: `sh -c 'exit 3'` exited with status 3)");
    expect(r.stderr).toContain(`[setup] full log: ${r.log}`);
    expect(r.stderr).toMatch(/\[setup\] what to do: free some disk space\n$/);
    // set -e semantics: nothing after the failing command, no later step.
    expect(`${r.stdout}${r.stderr}${readFileSync(r.log, 'utf8')}`).not.toMatch(/AFTER THE FAILURE|NEXT STEP RAN/);
    expect(r.stdout).not.toContain('3/3');
  });

  it('names a silent failing command, and step_fail gives its message and hint', () => {
    const silent = withSteps(`
      f() { step_exec test -d /nonexistent-tfactory-dir; }
      steps_init 1 $LOG
      step_run "Silent" f`);
    expect(silent.status).toBe(1);
    expect(silent.stderr).toContain('$ test -d /nonexistent-tfactory-dir');
    expect(silent.stderr).toContain('(stopped: `test -d /nonexistent-tfactory-dir` exited with status 1)');
    expect(silent.stderr).toContain('what to do: fix the cause above, then re-run: bash scripts/setup.sh');

    const failed = withSteps(`
      f() { step_fail "no Docker engine is reachable" "start Docker, then re-run"; }
      steps_init 1 $LOG
      step_run "Engine" f`);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('    no Docker engine is reachable\n');
    expect(failed.stderr).toContain('what to do: start Docker, then re-run');
  });

  it('on a terminal, shows a live line that the final line replaces', () => {
    const r = withSteps(`
      slow() { echo "working on it"; sleep 0.5; step_result "built"; }
      steps_init 1 $LOG
      step_run "Slow" slow`, { STEPS_TTY: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\r\x1b[K[setup] 1/1 Slow ');
    const frames = r.stdout.split('\r\x1b[K');
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.at(-1)).toMatch(/^\[setup\] 1\/1 Slow \.+ built \(\d+\.\d s\)\n$/);
  });
});

const docker = requireDocker();

/** On this machine, already set up (Docker up, images built), the set-up is short and does nothing. */
describe.skipIf(!docker)('scripts/setup.sh on a machine already set up', () => {
  const STEP_NAMES = ['Node dependencies', 'Build', 'Docker engine', 'debootstrap', 'Python test packages', 'Runner images', 'Chromium', 'PostgreSQL', 'Redis'];

  function checkRun(r: Ran): string {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines.length).toBeLessThan(15);
    STEP_NAMES.forEach((name, i) => {
      const reported = r.lines.filter((l) => l.startsWith(`[setup] ${i + 1}/${STEP_NAMES.length} ${name} .`));
      expect(reported, name).toHaveLength(1);
      expect(reported[0], name).toMatch(DURATION);
    });
    const logLine = r.lines.filter((l) => l.startsWith('[setup] log: '));
    expect(logLine).toHaveLength(1);
    const logPath = logLine[0]!.slice('[setup] log: '.length);
    expect(logPath).toMatch(new RegExp(`^${tmp}/tfactory-setup-\\d{8}-\\d{6}(-\\d+)?\\.log$`));
    expect(existsSync(logPath)).toBe(true);
    return logPath;
  }

  it('reports each step once with its duration, skips what is current, and keeps the detail in the log', () => {
    // A first run brings the build up to date if src/ changed since the last set-up (then it rebuilds).
    checkRun(bash(['scripts/setup.sh'], {}, 120_000));
    const r = bash(['scripts/setup.sh'], {}, 60_000);
    const logPath = checkRun(r);
    // The debootstrap, Python and Chromium steps may say "skipped" off Debian-as-root; these four never do here.
    for (const name of ['Node dependencies', 'Build', 'Docker engine', 'Runner images']) {
      expect(r.lines.find((l) => l.includes(` ${name} .`)), name).toMatch(/\.\.\. up to date/);
    }
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain('$ node bin/tfactory.js images list');
    expect(log).toMatch(/==== 6\/9 Runner images: up to date/);
  }, 180_000);
});
