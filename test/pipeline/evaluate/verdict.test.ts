import { describe, expect, it } from 'vitest';
import { decideVerdict, type VerdictInput } from '../../../src/pipeline/stages/evaluate/verdict.js';
import { signals } from '../../fakes/reports.js';
import type { LintFinding } from '../../../src/report/types.js';

function decide(over: Partial<VerdictInput>) {
  return decideVerdict({ signals: signals(), findings: [], infraErrors: [], mutationEnabled: true, ...over });
}
const codes = (r: ReturnType<typeof decide>) => r.reasons.map((x) => x.code);

describe('verdict rules', () => {
  it('takes the criterion-number lint as a hint for a test shown to check the change (fails on base, a mutant killed by a value check), a flag otherwise', () => {
    const finding: LintFinding = { rule: 'criterion-number', severity: 'medium', message: "AC#1 states 100, 10% but none of these appear in the test's checks", line: 4 };
    expect(decide({ findings: [finding] }).verdict).toBe('accept');
    const noF2p = decide({ findings: [finding], signals: signals({ failToPass: 'pass-to-pass' }) });
    expect([noF2p.verdict, codes(noF2p)]).toEqual(['flag', ['lint:criterion-number']]);
    const crashOnly = decide({ findings: [finding], signals: signals({ mutation: { killed: 2, killedByAssertion: 0, killedByCrash: 2, survived: 1, notReached: 0, total: 3 } }) });
    expect(crashOnly.verdict).toBe('flag');
    expect(codes(crashOnly)).toContain('lint:criterion-number');
  });

  it('accepts a passing, stable test that kills mutants by assertion', () => {
    const r = decide({});
    expect(r.verdict).toBe('accept');
    expect(codes(r)).toEqual(['fail-to-pass']);
  });

  it.each([
    ['fails-on-head', { passes: { ok: false, failureKind: 'assertion' as const, message: 'assert 9 == 10' } }],
    ['errors-on-head', { passes: { ok: false, failureKind: 'error' as const } }],
    ['does-not-load', { passes: { ok: false, failureKind: 'import' as const } }],
    ['timeout', { passes: { ok: false, failureKind: 'timeout' as const } }],
    ['flaky', { stability: { runs: 3, passed: 2, flaky: true } }],
    ['covers-no-changed-line', { coverage: { changedLinesCovered: {}, coveredCount: 0, changedTotal: 4, addsOverSuite: false } }],
    ['kills-no-mutant', { mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 3, notReached: 1, total: 4 } }],
  ])('rejects: %s', (code, over) => {
    const r = decide({ signals: signals(over) });
    expect(r.verdict).toBe('reject');
    expect(codes(r)).toContain(code);
  });

  it.each([
    ['hallucinated', { rule: 'hallucinated-import', severity: 'high', message: 'pricing.apply_discounts is not defined' }],
    ['no-assertion', { rule: 'no-assertion', severity: 'high', message: 'no assert' }],
    ['tautology', { rule: 'tautology', severity: 'high', message: 'f(x) == f(x)' }],
    ['lint:unseeded-random', { rule: 'unseeded-random', severity: 'high', message: 'random without a seed' }],
  ] as Array<[string, LintFinding]>)('rejects on static finding: %s', (code, finding) => {
    const r = decide({ findings: [finding] });
    expect(r.verdict).toBe('reject');
    expect(codes(r)).toContain(code);
  });

  it('at best flags a test whose every kill is a crash', () => {
    const r = decide({ signals: signals({ mutation: { killed: 2, killedByAssertion: 0, killedByCrash: 2, survived: 1, notReached: 0, total: 3 } }) });
    expect(r.verdict).toBe('flag');
    expect(codes(r)).toContain('kills-only-by-crash');
  });

  it('flags when no mutant could be made, a medium lint, or a dissenting judge', () => {
    expect(decide({ signals: signals({ mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 0, notReached: 0, total: 0 } }) }).verdict).toBe('flag');
    expect(decide({ findings: [{ rule: 'sleep', severity: 'medium', message: 'time.sleep' }] }).verdict).toBe('flag');
    expect(decide({ signals: signals({ judge: { relevant: false, votes: 1, of: 3 } }) }).verdict).toBe('flag');
  });

  it('does not use mutation when it is off', () => {
    const r = decide({ mutationEnabled: false, signals: signals({ mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 3, notReached: 0, total: 3 } }) });
    expect(r.verdict).toBe('accept');
  });

  it('never accepts when the infrastructure failed', () => {
    const r = decide({ infraErrors: ['the sandbox container was killed (out of memory)'] });
    expect(r.verdict).toBe('error');
    expect(r.reasons[0]?.text).toContain('out of memory');
  });
});
