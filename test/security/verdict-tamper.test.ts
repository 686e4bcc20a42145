import { describe, expect, it } from 'vitest';
import { decideVerdict } from '../../src/pipeline/stages/evaluate/verdict.js';
import type { TestSignals } from '../../src/report/types.js';

/** The verdict side of `tampers-with-grader`: a static finding, or the grader's run message. */

const passing: TestSignals = {
  passes: { ok: true }, stability: { runs: 3, passed: 3, flaky: false },
  coverage: { changedLinesCovered: { 'a.py': [1] }, coveredCount: 1, changedTotal: 1, addsOverSuite: true },
  mutation: { killed: 2, killedByAssertion: 2, killedByCrash: 0, survived: 0, notReached: 0, total: 2 },
  failToPass: 'fail-to-pass', lint: [], judge: null,
};

describe('decideVerdict and tampering', () => {
  it('rejects on the static finding with the plain reason code, whatever the measurements say', () => {
    const out = decideVerdict({
      signals: passing, infraErrors: [], mutationEnabled: true,
      findings: [{ rule: 'tampers-with-grader', severity: 'high', message: "tampers with the grader: imports the grader's module tfactory_rt.forkrun", line: 1 }],
    });
    expect(out.verdict).toBe('reject');
    expect(out.reasons.find((r) => r.code === 'tampers-with-grader')).toEqual({
      code: 'tampers-with-grader', severity: 'reject', text: "It tampers with the grader: imports the grader's module tfactory_rt.forkrun (line 1).",
    });
  });

  it("rejects on the grader's integrity message (no infrastructure error)", () => {
    const signals: TestSignals = { ...passing, passes: { ok: false, failureKind: 'error', message: 'tampers with the grader: importing it changed tfactory_rt.forkrun.run_batch' } };
    const out = decideVerdict({ signals, findings: [], infraErrors: [], mutationEnabled: true });
    expect(out.verdict).toBe('reject');
    expect(out.reasons.map((r) => r.code)).toEqual(['tampers-with-grader', 'fail-to-pass']);
    expect(out.reasons[0]?.text).toBe('It tampers with the grader: importing it changed tfactory_rt.forkrun.run_batch.');
  });

  it('keeps an ordinary error an ordinary error', () => {
    const signals: TestSignals = { ...passing, passes: { ok: false, failureKind: 'error', message: 'ValueError: tampers with the grader: no' } };
    expect(decideVerdict({ signals, findings: [], infraErrors: [], mutationEnabled: true }).reasons[0]?.code).toBe('errors-on-head');
  });
});
