import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, gradeOf, testsOf, type SecurityRepo } from './evaluate-helpers.js';

/**
 * Issue 11, "A test forged its own verdict": a candidate that rewires the grader from inside the
 * process that records results. Graded by `tfactory evaluate` in the real sandbox (Docker; in CI a
 * missing engine fails). Every hostile candidate must be rejected with `tampers-with-grader`, and a
 * good candidate graded in the SAME run must keep exactly the grade it gets without the hostile ones.
 */

const hasDocker = requireDocker();
const TAMPER = 'tampers-with-grader';

function tamperReasons(report: Report, file: string): string[] {
  return testsOf(report, file).flatMap((t) => t.reasons.filter((r) => r.code === TAMPER).map((r) => r.text));
}

describe.skipIf(!hasDocker)('a Python candidate that rewires the grader (fixtures/security/py-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('py-shipping');
    hostile = await sec.evaluate(['test_rigged.py', 'test_rigged_computed.py', 'test_forges_pipe.py', 'test_rewires_in_child.py', 'test_watches_mutant_swap.py', 'test_good.py']);
    alone = await sec.evaluate(['test_good.py']);
  }, 20 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it('(a) rejects the five-line rig that replaces tfactory_rt.forkrun.run_batch at import, by both lines of defence', () => {
    const rigged = testsOf(hostile, 'test_rigged.py');
    expect(rigged.map((t) => [t.name, t.verdict])).toEqual([['test_us_parcel_of_one_kilo', 'reject']]);
    const reasons = tamperReasons(hostile, 'test_rigged.py');
    // the static rule (the import), and the grader's integrity check (the replaced function)
    expect(reasons.some((r) => r.includes("imports the grader's module tfactory_rt.forkrun"))).toBe(true);
    expect(reasons.some((r) => r.includes('importing it changed tfactory_rt.forkrun.run_batch'))).toBe(true);
    // nothing it forged survived: no pass, no coverage, no kill
    expect(rigged[0]?.signals.passes).toMatchObject({ ok: false });
    expect(rigged[0]?.signals.mutation?.killed ?? 0).toBe(0);
    expect(rigged[0]?.signals.coverage?.coveredCount ?? 0).toBe(0);
  });

  it('(b) rejects the same rig behind a computed import', () => {
    const rigged = testsOf(hostile, 'test_rigged_computed.py');
    expect(rigged.map((t) => t.verdict)).toEqual(['reject']);
    const reasons = tamperReasons(hostile, 'test_rigged_computed.py');
    expect(reasons.some((r) => r.includes('imports a module whose name is computed'))).toBe(true);
    expect(reasons.some((r) => r.includes('importing it changed tfactory_rt.forkrun.run_batch'))).toBe(true);
  });

  it('rejects a test that forges a result on the pipe, or rewires the grader while it runs (in the forked child)', () => {
    expect(testsOf(hostile, 'test_forges_pipe.py').map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'test_forges_pipe.py').some((r) => r.includes('did not carry the batch token'))).toBe(true);
    expect(testsOf(hostile, 'test_rewires_in_child.py').map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'test_rewires_in_child.py').some((r) => r.includes('while it ran, it changed tfactory_rt.outcome.summarize'))).toBe(true);
  });

  it("rejects a test that fails whenever the function's code was swapped (a mutant), found by the control run with an unchanged copy", () => {
    const rigged = testsOf(hostile, 'test_watches_mutant_swap.py');
    expect(rigged.map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'test_watches_mutant_swap.py')).toEqual([
      'It tampers with the grader: it fails when the grader switches on a mutant that changes nothing (AssertionError: assert 5.0 == -1): it watches the grader, not the code.',
    ]);
    expect(rigged[0]?.signals.mutation?.killed ?? 0).toBe(0);
  });

  it('grades the good candidate in the same run exactly as it grades it alone', () => {
    const withHostile = testsOf(hostile, 'test_good.py').map(gradeOf);
    expect(testsOf(hostile, 'test_good.py').map((t) => t.signals.mutation)).toEqual(testsOf(alone, 'test_good.py').map((t) => t.signals.mutation));
    expect(withHostile.map((g) => g.verdict)).toEqual(['accept', 'accept']);
    expect(withHostile).toEqual(testsOf(alone, 'test_good.py').map(gradeOf));
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
  });
});

describe.skipIf(!hasDocker)('a TypeScript candidate that reaches for the loader or the process (fixtures/security/ts-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('ts-shipping');
    hostile = await sec.evaluate(['require-cache.test.ts', 'process-exit.test.ts', 'forged-events.test.ts', 'rewrites-reporter.test.ts', 'rewrites-source.test.ts', 'watches-mutant-switch.test.ts', 'good.test.ts']);
    alone = await sec.evaluate(['good.test.ts']);
  }, 20 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it('(c) rejects a candidate that patches require.cache', () => {
    expect(testsOf(hostile, 'require-cache.test.ts').map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'require-cache.test.ts').some((r) => r.includes('require.cache'))).toBe(true);
  });

  it('(c) rejects a candidate that calls process.exit(0)', () => {
    expect(testsOf(hostile, 'process-exit.test.ts').map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'process-exit.test.ts').some((r) => r.includes('process.exit'))).toBe(true);
  });

  it('rejects a test that appends result lines to the event file itself (not signed by the reporter)', () => {
    const forged = testsOf(hostile, 'forged-events.test.ts');
    expect(forged.map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'forged-events.test.ts')).toEqual([
      "It tampers with the grader: it wrote into the grader's result file (lines the grader's reporter did not sign, or the file cut or replaced).",
    ]);
    expect(forged[0]?.signals.passes).toMatchObject({ ok: false });
    expect(hostile.notes.some((n) => n.includes('not signed by the grader'))).toBe(true);
  });

  it("rejects a candidate that replaces the grader's reporter in the project copy (later runs would load it), and what it forged is not counted", () => {
    const rigged = testsOf(hostile, 'rewrites-reporter.test.ts');
    expect(rigged.map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'rewrites-reporter.test.ts')).toEqual([
      "It tampers with the grader: it changed the grader's copy of the project (.tfactory/reporter.mjs).",
    ]);
    expect(rigged[0]?.signals.mutation?.killed ?? 0).toBe(0);
  });

  it('rejects a candidate that rewrites the instrumented code under test so that every mutant "fails"', () => {
    expect(testsOf(hostile, 'rewrites-source.test.ts').map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'rewrites-source.test.ts')).toEqual([
      "It tampers with the grader: it changed the grader's copy of the project (src/shipping.ts).",
    ]);
  });

  it("rejects a test that fails whenever a mutant is switched on (the switch found by a computed name, the id matched in the function's source), found by the control run", () => {
    const rigged = testsOf(hostile, 'watches-mutant-switch.test.ts');
    expect(rigged.map((t) => t.verdict)).toEqual(['reject']);
    expect(tamperReasons(hostile, 'watches-mutant-switch.test.ts')).toEqual([
      'It tampers with the grader: it fails when the grader switches on a mutant that changes nothing (AssertionError: expected 5 to be -1 // Object.is equality): it watches the grader, not the code.',
    ]);
    expect(rigged[0]?.signals.mutation?.killed ?? 0).toBe(0);
  });

  it('grades the good candidate in the same run exactly as it grades it alone', () => {
    const withHostile = testsOf(hostile, 'good.test.ts').map(gradeOf);
    // the same mutants killed: the rigged reporter and source were put back before the good test's mutant runs
    expect(testsOf(hostile, 'good.test.ts').map((t) => t.signals.mutation)).toEqual(testsOf(alone, 'good.test.ts').map((t) => t.signals.mutation));
    expect(withHostile.map((g) => g.verdict)).toEqual(['accept', 'accept']);
    expect(withHostile).toEqual(testsOf(alone, 'good.test.ts').map(gradeOf));
  });
});
