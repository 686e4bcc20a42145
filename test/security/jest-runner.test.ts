import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { installedPackages } from '../helpers/npm-packages.js';
import { createSecurityRepo, gradeOf, testsOf, type SecurityRepo } from './evaluate-helpers.js';

/**
 * Issue 11 with jest as the runner (fixtures/security/js-jest-shipping: CommonJS, jest 29.7 installed
 * for real from the npm registry, once per machine). The grader forces jest's workers (the tests
 * never run in the process that reports), reads only the lines its own reporter signed, and watches
 * each invocation for leftovers and for its result file being rewritten, in the warm jest's runs
 * (runtime/runners/jest-warm.mjs) as in cold ones. Each hostile candidate is rejected with a reason
 * naming what it did; the good one keeps exactly the grade it gets alone.
 */

const hasDocker = requireDocker();

function reasonsOf(report: Report, file: string): string[] {
  return testsOf(report, file).flatMap((t) => t.reasons.map((r) => `${r.code}: ${r.text}`));
}

describe.skipIf(!hasDocker)('jest 29: honest grading and hostile candidates (fixtures/security/js-jest-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('js-jest-shipping', installedPackages('jest29', ['jest@29.7.0']));
    hostile = await sec.evaluate(['forges-output.test.js', 'leaves-process.test.js', 'watches-mutant-switch.test.js', 'rigs-warm-runner.test.js', 'good.test.js']);
    alone = await sec.evaluate(['good.test.js']);
  }, 15 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it('grades the good candidate: it fails on base, passes on head and kills mutants by assertion', () => {
    const good = testsOf(alone, 'good.test.js');
    expect(good.map((t) => t.verdict)).toEqual(['accept', 'accept']);
    for (const t of good) {
      expect(t.signals.failToPass).toBe('fail-to-pass');
      expect(t.signals.mutation?.killedByAssertion ?? 0).toBeGreaterThan(0);
    }
  });

  it("rejects a test whose leftover process rewrites its failed result in the grader's event file", () => {
    const forged = testsOf(hostile, 'forges-output.test.js');
    expect(forged.map((t) => t.verdict)).toEqual(['reject']);
    const reasons = reasonsOf(hostile, 'forges-output.test.js');
    // whichever it is caught at first: the rewritten file, or the process it left to do it
    expect(reasons.some((r) => /^tampers-with-grader: .*result file|^exhausts-resources: .*left a process running/.test(r)), reasons.join(' | ')).toBe(true);
    expect(forged[0]?.signals.passes).toMatchObject({ ok: false });
  });

  it('rejects a test that leaves a process running', () => {
    expect(testsOf(hostile, 'leaves-process.test.js').map((t) => t.verdict)).toEqual(['reject']);
    expect(reasonsOf(hostile, 'leaves-process.test.js').some((r) => /^exhausts-resources: .*left a process running: .*sleep 1000/.test(r))).toBe(true);
  });

  it('rejects a test that reacts to the mutant switch (the control mutant)', () => {
    expect(testsOf(hostile, 'watches-mutant-switch.test.js').map((t) => t.verdict)).toEqual(['reject']);
    expect(reasonsOf(hostile, 'watches-mutant-switch.test.js').some((r) => r.includes('a mutant that changes nothing'))).toBe(true);
  });

  it('rejects a test that replaces the code under test with plain code only when a mutant is on (the warm jest\'s runs)', () => {
    expect(testsOf(hostile, 'rigs-warm-runner.test.js').map((t) => t.verdict)).toEqual(['reject']);
    expect(reasonsOf(hostile, 'rigs-warm-runner.test.js')).toContain(
      "tampers-with-grader: It tampers with the grader: it changed the grader's copy of the project (src/shipping.js).",
    );
  });

  it('grades the good candidate in the same run exactly as it grades it alone', () => {
    expect(testsOf(hostile, 'good.test.js').map(gradeOf)).toEqual(testsOf(alone, 'good.test.js').map(gradeOf));
    expect(testsOf(hostile, 'good.test.js').map((t) => t.signals.mutation)).toEqual(testsOf(alone, 'good.test.js').map((t) => t.signals.mutation));
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
  });
});
