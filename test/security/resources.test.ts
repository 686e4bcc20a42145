import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, gradeOf, testsOf, type SecurityRepo } from './evaluate-helpers.js';

/**
 * Issue 11 item 4, resource isolation: candidates that exhaust what the sandbox shares (the /tmp
 * the grader used to use, stdout, the pids limit, memory, a process left running). Graded by
 * `tfactory evaluate` in the real sandbox. Each must be rejected with `exhausts-resources` naming
 * what it did (never accepted, never an `error` for the others), and a good candidate graded in the
 * SAME run keeps exactly the grade it gets alone. (The host-side /scratch bound is tested against the
 * real engine in test/sandbox/docker/sandbox.test.ts.) Both graders: Python (forkrun.py) and TS/JS (runtime/guard.mjs).
 */

const hasDocker = requireDocker();
const CODE = 'exhausts-resources';

function reasonsOf(report: Report, file: string): string[] {
  return testsOf(report, file).flatMap((t) => t.reasons.map((r) => `${r.code}: ${r.text}`));
}

describe.skipIf(!hasDocker)('a Python candidate that exhausts the sandbox (fixtures/security/py-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;
  let started = 0;

  beforeAll(async () => {
    sec = await createSecurityRepo('py-shipping');
    started = Date.now();
    hostile = await sec.evaluate(['test_fills_tmp.py', 'test_fills_scratch.py', 'test_floods_stdout.py', 'test_fork_bomb.py', 'test_leaves_process.py', 'test_eats_memory.py', 'test_good.py']);
    alone = await sec.evaluate(['test_good.py']);
  }, 10 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  function expectRejected(file: string, what: RegExp): void {
    const tests = testsOf(hostile, file);
    expect(tests.map((t) => t.verdict), `${file}: ${reasonsOf(hostile, file).join(' | ')}`).toEqual(['reject']);
    expect(reasonsOf(hostile, file).some((r) => what.test(r)), reasonsOf(hostile, file).join(' | ')).toBe(true);
  }

  it('rejects a test that fills /tmp, and the grader (on its own tmpfs) goes on', () => {
    expectRejected('test_fills_tmp.py', new RegExp(`^${CODE}: .*filled /tmp`));
  });

  it('rejects a test that fills /scratch (the host\'s disk) before the host stops the whole grader', () => {
    expectRejected('test_fills_scratch.py', new RegExp(`^${CODE}: .*filled /scratch`));
  });

  it('rejects a test that leaves a process running, naming it, without the 60 s startup wait', () => {
    expectRejected('test_leaves_process.py', new RegExp(`^${CODE}: .*left a process running: .*sleep 1000`));
  });

  it('rejects a fork bomb with "process limit"', () => {
    expectRejected('test_fork_bomb.py', new RegExp(`^${CODE}: .*process limit`));
  });

  it('rejects a 2 GB allocation as out of memory', () => {
    expectRejected('test_eats_memory.py', new RegExp(`^${CODE}: .*out of memory \\(killed by the kernel\\)`));
  });

  it('rejects a test that prints 64 MB with "output limit"', () => {
    expectRejected('test_floods_stdout.py', new RegExp(`^${CODE}: .*output limit: it printed 64 MB`));
  });

  it('grades the good candidate in the same run exactly as it grades it alone; nothing is an error', () => {
    const withHostile = testsOf(hostile, 'test_good.py').map(gradeOf);
    expect(withHostile.map((g) => g.verdict)).toEqual(['accept', 'accept']);
    expect(withHostile).toEqual(testsOf(alone, 'test_good.py').map(gradeOf));
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
    for (const f of ['test_fills_tmp.py', 'test_floods_stdout.py', 'test_fork_bomb.py', 'test_leaves_process.py', 'test_eats_memory.py']) console.log(f, reasonsOf(hostile, f));
    console.log(`hostile run + alone run: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});

describe.skipIf(!hasDocker)('a TypeScript candidate that exhausts the sandbox (fixtures/security/ts-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;
  const HOSTILE = ['fills-tmp.test.ts', 'fills-scratch.test.ts', 'floods-stdout.test.ts', 'fork-bomb.test.ts', 'leaves-process.test.ts', 'eats-memory.test.ts'];

  beforeAll(async () => {
    sec = await createSecurityRepo('ts-shipping');
    hostile = await sec.evaluate([...HOSTILE, 'good.test.ts']);
    alone = await sec.evaluate(['good.test.ts']);
  }, 10 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  const cases: Array<[string, RegExp]> = [
    ['fills-tmp.test.ts', /filled \/tmp/],
    ['fills-scratch.test.ts', /filled \/scratch/],
    ['floods-stdout.test.ts', /output limit: it printed 64 MB/],
    ['fork-bomb.test.ts', /process limit/],
    ['leaves-process.test.ts', /left a process running: .*sleep 1000/],
    ['eats-memory.test.ts', /out of memory \(killed by the kernel\)/],
  ];
  it.each(cases)('rejects %s with exhausts-resources naming what it did', (file, what) => {
    const tests = testsOf(hostile, file);
    const reasons = reasonsOf(hostile, file);
    expect(tests.map((t) => t.verdict), `${file}: ${reasons.join(' | ')}`).toEqual(['reject']);
    expect(reasons.some((r) => r.startsWith(`${CODE}: `) && what.test(r)), reasons.join(' | ')).toBe(true);
  });

  it('grades the good candidate in the same run exactly as it grades it alone; nothing is an error', () => {
    const withHostile = testsOf(hostile, 'good.test.ts').map(gradeOf);
    expect(withHostile.map((g) => g.verdict)).toEqual(['accept', 'accept']);
    expect(withHostile).toEqual(testsOf(alone, 'good.test.ts').map(gradeOf));
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
    expect(hostile.notes).toEqual([]);
  });
});
