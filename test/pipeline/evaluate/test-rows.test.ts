import { describe, expect, it } from 'vitest';
import type { StaticCheckOutcome } from '../../../src/languages/static-check-types.js';
import type { GradedTest } from '../../../src/languages/types.js';
import { buildTestRows, fileRow, projectImportFailure } from '../../../src/pipeline/stages/evaluate/test-rows.js';
import { candidate, graderResult, measuredTest } from './grader-fixtures.js';

const FILE = 'tests/test_pricing_tfactory_1.py';
const lowFinding = { rule: 'style', severity: 'low' as const, message: 'two checks would be clearer' };
const outcome: StaticCheckOutcome = {
  tests: [
    { id: `${FILE}::test_cap`, name: 'test_cap', findings: [lowFinding], source: 'def test_cap():\n    assert cap(80) == 50', line: 3 },
    { id: `${FILE}::test_rates`, name: 'test_rates', findings: [], source: 'def test_rates(rate): ...', line: 8 },
  ],
  fileFindings: [{ rule: 'guard-unavailable', severity: 'low', message: 'hallucination guard could not run' }],
};

describe('buildTestRows', () => {
  it('joins what the runner ran with what static discovery found, parametrised names included', () => {
    const result = graderResult([measuredTest(FILE, 'test_cap', { kills: 3 }), measuredTest(FILE, 'test_rates[0.1]'), measuredTest('tests/other.py', 'test_x')]);
    const rows = buildTestRows(candidate(FILE, ''), outcome, result, undefined);
    expect(rows.map((r) => r.id)).toEqual([`${FILE}::test_cap`, `${FILE}::test_rates[0.1]`]);
    const [cap, rates] = rows;
    expect(cap?.statics?.line).toBe(3);
    expect(cap?.findings).toEqual([...outcome.fileFindings, lowFinding]);
    expect(cap?.signals.lint).toEqual(cap?.findings);
    expect(cap?.signals.mutation).toMatchObject({ killed: 3, killedByAssertion: 3, survived: 0 });
    expect(cap?.signals.failToPass).toBe('fail-to-pass');
    expect(cap?.infraErrors).toEqual([]);
    // The parametrised run maps onto the static `test_rates`.
    expect(rates?.statics?.name).toBe('test_rates');
  });

  it('gives a statically found test the runner never reported an infrastructure reason, never a pass', () => {
    const result = graderResult([measuredTest(FILE, 'test_cap')], ['collection of tests/test_pricing_tfactory_1.py timed out']);
    const rows = buildTestRows(candidate(FILE, ''), outcome, result, undefined);
    const rates = rows.find((r) => r.name === 'test_rates');
    expect(rates?.measured).toBeUndefined();
    expect(rates?.signals.passes).toBeNull();
    expect(rates?.infraErrors[0]).toContain('the grader reported no result for this test (collection of tests/test_pricing_tfactory_1.py timed out)');
  });

  it('puts the grader failure on every test when the grader could not run', () => {
    const rows = buildTestRows(candidate(FILE, ''), outcome, undefined, 'SANDBOX_FAILED: no result');
    expect(rows.map((r) => r.infraErrors)).toEqual([['SANDBOX_FAILED: no result'], ['SANDBOX_FAILED: no result']]);
  });
});

describe('buildTestRows: files graded on head only (settled)', () => {
  const noAssertion = { rule: 'no-assertion', severity: 'high' as const, message: 'no assertion' };
  const settledOutcome: StaticCheckOutcome = {
    tests: [{ id: `${FILE}::test_cap`, name: 'test_cap', findings: [noAssertion], source: 'def test_cap():\n    cap(80)', line: 3 }],
    fileFindings: [],
  };
  const headOnly = (name: string): GradedTest => ({ ...measuredTest(FILE, name, { kills: 0 }), runs: [{ outcome: 'passed', durationMs: 5 }], mutants: { killed: [], survived: [], notReached: ['m1'] }, settled: true });

  it('measures nothing beyond head for a test its static checks reject, in a file the evaluation settled', () => {
    const [row] = buildTestRows(candidate(FILE, ''), settledOutcome, graderResult([headOnly('test_cap')]), undefined, new Set([FILE]));
    expect(row?.settled).toBe(true);
    expect(row?.signals).toMatchObject({ passes: { ok: true }, stability: null, mutation: null, failToPass: 'not-run' });
    expect(row?.infraErrors).toEqual([]);
  });

  it('never lets a test the static checks do not reject go ungraded: an infrastructure reason instead', () => {
    const unasked = buildTestRows(candidate(FILE, ''), settledOutcome, graderResult([headOnly('test_cap')]), undefined, new Set());
    expect(unasked[0]?.infraErrors[0]).toContain('as if its static checks rejected it');
    const notRejected = buildTestRows(candidate(FILE, ''), outcome, graderResult([headOnly('test_cap')]), undefined, new Set([FILE]));
    expect(notRejected[0]?.infraErrors[0]).toContain('as if its static checks rejected it');
  });
});

describe('fileRow', () => {
  const empty: StaticCheckOutcome = { tests: [], fileFindings: [{ rule: 'no-tests', severity: 'high', message: 'no test function found in the file' }] };

  it('rejects a file without tests, keeping its findings', () => {
    const row = fileRow(candidate(FILE, 'x = 1'), empty, undefined);
    expect(row).toMatchObject({ id: `${FILE}::(file)`, verdict: 'reject', reasons: [{ code: 'no-tests' }], subtaskId: 'S1', origin: 'generated' });
    expect(row.signals.lint).toEqual(empty.fileFindings);
  });

  it('is an error, not a reject, when nothing could be graded', () => {
    expect(fileRow(candidate(FILE, 'x = 1'), empty, 'engine down')).toMatchObject({ verdict: 'error', reasons: [{ code: 'infrastructure', text: 'It could not be graded: engine down' }] });
  });
});

describe('projectImportFailure', () => {
  const failing = (message: string) => ({ passes: { ok: false, failureKind: 'import' as const, message }, stability: null, coverage: null, mutation: null, failToPass: null, lint: [], judge: null });

  it('blames the project, not the test, when its own code imports a module that is not there', () => {
    const c = candidate('tests/test_number.py', 'import humanize\n\ndef test_metric():\n    assert humanize.metric(999.9) == "1.00 k"\n');
    expect(projectImportFailure(c, failing("ModuleNotFoundError: No module named 'humanize._version'"))[0]).toMatch(/^the project's own code could not be loaded in the sandbox \(ModuleNotFoundError: No module named 'humanize._version'\)/);
  });

  it('keeps a module the test itself names as the test\'s own failure', () => {
    const c = candidate('tests/test_x.py', 'from shop.discounts import cap\n\ndef test_cap():\n    assert cap(80) == 50\n');
    expect(projectImportFailure(c, failing("ModuleNotFoundError: No module named 'shop.discounts'"))).toEqual([]);
    expect(projectImportFailure(c, failing('AssertionError'))).toEqual([]);
    expect(projectImportFailure(c, { ...failing("No module named 'x'"), passes: { ok: false, failureKind: 'assertion' as const, message: "No module named 'x'" } })).toEqual([]);
  });
});
