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

  it('rejects a test whose only checks are weak (not None, truthiness, isinstance, toBeDefined), even when they kill a mutant by assertion', () => {
    const weak: LintFinding = { rule: 'weak-assertion', severity: 'medium', message: 'only weak checks (is not None, truthiness, isinstance): a wrong value would still pass', line: 3 };
    const r = decide({ findings: [weak] });
    expect(r.verdict).toBe('reject');
    expect(codes(r)).toEqual(['weak-assertion', 'fail-to-pass']);
    expect(r.reasons[0]?.text).toBe('Its only checks are weak (is not None, truthiness, isinstance): a wrong value would still pass (line 3).');
  });

  it('only flags a test whose only check is that a mock was called (a behaviour, not a value)', () => {
    const call: LintFinding = { rule: 'call-check-only', severity: 'medium', message: 'only checks that a mock was called (toHaveBeenCalled), not with what: a wrong value would still pass', line: 5 };
    expect([decide({ findings: [call] }).verdict, codes(decide({ findings: [call] }))]).toEqual(['flag', ['lint:call-check-only', 'fail-to-pass']]);
  });

  describe('an expected value computed through project code (indirect tautology)', () => {
    const fromCode: LintFinding = { rule: 'expected-from-code', severity: 'low', message: 'the expected side calls invoice_total(...) on the same inputs (assert order_total(x) == invoice_total(x))', line: 7 };
    const crashOnly = { killed: 2, killedByAssertion: 0, killedByCrash: 2, survived: 5, notReached: 0, total: 7 };

    it('is rejected when no planted bug ever made a check fail (its value moved with each one)', () => {
      const r = decide({ findings: [fromCode], signals: signals({ mutation: crashOnly }) });
      expect(r.verdict).toBe('reject');
      expect(codes(r)).toEqual(['indirect-tautology', 'kills-only-by-crash', 'fail-to-pass']);
      expect(r.reasons[0]?.text).toContain('invoice_total(...)');
      expect(codes(decide({ findings: [fromCode], signals: signals({ mutation: { ...crashOnly, killed: 0, killedByCrash: 0 } }) }))).toEqual(['indirect-tautology', 'kills-no-mutant', 'fail-to-pass']);
    });

    it('is fine when a mutant made a check fail (the expected side did not follow the change), or when no mutant ran on its lines', () => {
      expect(decide({ findings: [fromCode] }).verdict).toBe('accept');
      expect(codes(decide({ findings: [fromCode], signals: signals({ mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 0, notReached: 2, total: 2 } }) }))).toEqual(['no-mutants', 'fail-to-pass']);
      expect(decide({ findings: [fromCode], signals: signals({ mutation: crashOnly }), mutationEnabled: false }).verdict).toBe('accept');
    });
  });

  describe('a fix whose point is that the code no longer raises', () => {
    const crashOnly = signals({ mutation: { killed: 1, killedByAssertion: 0, killedByCrash: 1, survived: 0, notReached: 0, total: 1 } });
    const raisedOnBase = { outcome: 'error' as const, failureKind: 'error' as const, message: "ValueError: invalid literal for int() with base 10: ' 1,200 '", durationMs: 1 };

    it('accepts a test with a value check whose mutants make the code raise again, when it fails on base by that error', () => {
      const r = decide({ signals: crashOnly, onBase: raisedOnBase });
      expect(r.verdict).toBe('accept');
      expect(codes(r)).toEqual(['kills-by-raising-again', 'fail-to-pass']);
      expect(r.reasons[0]?.text).toContain("it fails on base with ValueError: invalid literal for int() with base 10: ' 1,200 '");
    });

    it.each([
      ['the test could not call the code on base (a function the PR adds)', { ...raisedOnBase, message: "AttributeError: module 'ledger' has no attribute 'parse_amount'" }, []],
      ['an argument the PR adds', { ...raisedOnBase, message: "TypeError: order_total() got an unexpected keyword argument 'tax'" }, []],
      ['TS: an export the PR adds', { ...raisedOnBase, message: 'TypeError: parseAmount is not a function' }, []],
      ['it failed on base by a check, not by the code raising', { ...raisedOnBase, outcome: 'failed' as const, failureKind: 'assertion' as const, message: 'assert 1 == 2' }, []],
      ['its file did not import on base', { ...raisedOnBase, failureKind: 'import' as const, message: 'ImportError: cannot import name' }, []],
    ] as const)('still only flags it when %s', (_, onBase, findings) => {
      const r = decide({ signals: crashOnly, onBase, findings: [...findings] });
      expect([r.verdict, codes(r)]).toEqual(['flag', ['kills-only-by-crash', 'fail-to-pass']]);
    });

    it('gives no such pass to a test without an independent value check', () => {
      const fromCode: LintFinding = { rule: 'expected-from-code', severity: 'low', message: 'the expected side calls g(...)', line: 4 };
      expect(codes(decide({ signals: crashOnly, onBase: raisedOnBase, findings: [fromCode] }))).toEqual(['indirect-tautology', 'kills-only-by-crash', 'fail-to-pass']);
      const weak: LintFinding = { rule: 'weak-assertion', severity: 'medium', message: 'only weak checks (toBeDefined, truthiness, instanceof): a wrong value would still pass' };
      expect(codes(decide({ signals: crashOnly, onBase: raisedOnBase, findings: [weak] }))).toEqual(['weak-assertion', 'kills-only-by-crash', 'fail-to-pass']);
      expect(decide({ signals: { ...crashOnly, failToPass: 'pass-to-pass' }, onBase: { outcome: 'passed', durationMs: 1 } }).verdict).toBe('flag');
    });
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
