import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, gradeOf, testsOf, type SecurityRepo } from './evaluate-helpers.js';

/**
 * Issue 17 item 2: the TS grader's stability reruns, control and mutants run in one warm vitest
 * (runtime/runners/vitest-warm.mjs). Candidates that behave on head and turn hostile only in the warm
 * runs (once a mutant is switched on) are graded by `tfactory evaluate` in the real sandbox (vitest 4):
 * each warm run is checked as a cold one is, the hostile test is found and rejected, and a good
 * candidate graded in the SAME run keeps exactly the grade it gets alone (nothing the hostile test did
 * to the warm process or the project copy carries into the runs after it).
 */

const hasDocker = requireDocker();

function reasonsOf(report: Report, file: string): string[] {
  return testsOf(report, file).flatMap((t) => t.reasons.map((r) => `${r.code}: ${r.text}`));
}

describe.skipIf(!hasDocker)('TypeScript candidates that turn hostile in the warm runs (fixtures/security/ts-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;
  let inspector: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('ts-shipping');
    hostile = await sec.evaluate(['rigs-warm-runner.test.ts', 'leaves-process-under-mutant.test.ts', 'good.test.ts']);
    alone = await sec.evaluate(['good.test.ts']);
    inspector = await sec.evaluate(['opens-inspector.test.ts', 'good.test.ts']);
  }, 20 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it('rejects a test that replaces the code under test with plain code only when a mutant is on', () => {
    expect(testsOf(hostile, 'rigs-warm-runner.test.ts').map((t) => t.verdict)).toEqual(['reject']);
    expect(reasonsOf(hostile, 'rigs-warm-runner.test.ts')).toContain(
      "tampers-with-grader: It tampers with the grader: it changed the grader's copy of the project (src/shipping.ts).",
    );
  });

  it('rejects a test that leaves a process running only when a mutant is on, naming it', () => {
    expect(testsOf(hostile, 'leaves-process-under-mutant.test.ts').map((t) => t.verdict)).toEqual(['reject']);
    expect(reasonsOf(hostile, 'leaves-process-under-mutant.test.ts').some((r) => /^exhausts-resources: .*left a process running: .*sleep 1000/.test(r)),
      reasonsOf(hostile, 'leaves-process-under-mutant.test.ts').join(' | ')).toBe(true);
  });

  it('gives a test no inspector to attach to in any run, whatever Node process of the container it signals (SIGUSR1)', () => {
    const [probe] = testsOf(inspector, 'opens-inspector.test.ts');
    // Its only failure would be finding an inspector: it passed on head and in every warm rerun,
    // and it is graded as the real test it otherwise is (flagged for its real-timer wait only).
    expect(probe?.signals.passes?.ok, JSON.stringify(probe?.reasons)).toBe(true);
    expect(probe?.signals.stability?.flaky).toBe(false);
    expect(probe?.signals.mutation?.killedByAssertion).toBeGreaterThan(0);
    expect(probe?.reasons.map((r) => r.code)).toEqual(['lint:sleep', 'fail-to-pass']);
    expect(testsOf(inspector, 'good.test.ts').map(gradeOf)).toEqual(testsOf(alone, 'good.test.ts').map(gradeOf));
  });

  it('grades the good candidate in the same run exactly as it grades it alone (the same mutants killed)', () => {
    expect(testsOf(hostile, 'good.test.ts').map((t) => t.signals.mutation)).toEqual(testsOf(alone, 'good.test.ts').map((t) => t.signals.mutation));
    expect(testsOf(hostile, 'good.test.ts').map(gradeOf)).toEqual(testsOf(alone, 'good.test.ts').map(gradeOf));
    expect(testsOf(alone, 'good.test.ts').map((t) => t.verdict)).toEqual(['accept', 'accept']);
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
  });
});
