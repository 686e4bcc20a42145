import { describe, expect, it } from 'vitest';
import { dedupTests, normaliseSource } from '../../../src/pipeline/stages/triage/dedup.js';
import { rankTests } from '../../../src/pipeline/stages/triage/rank.js';
import { reportTest, sampleReport, signals } from '../../fakes/reports.js';

describe('triage', () => {
  it('dedups byte-identical tests and copies that differ only in whitespace, comments and name', () => {
    const a = reportTest('test_a');
    const b = reportTest('test_b');
    const c = reportTest('test_c');
    const { kept, duplicates } = dedupTests([
      { test: a, source: 'def test_a():\n    assert f(1) == 2\n', language: 'python' },
      { test: b, source: 'def test_b():\n    # same check\n    assert f(1)  ==  2\n', language: 'python' },
      { test: c, source: 'def test_c():\n    assert f(1) == 3\n', language: 'python' },
    ]);
    expect(kept.map((k) => k.test.name)).toEqual(['test_a', 'test_c']);
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]?.of).toBe(a.id);
  });

  it('keeps every case of a parametrised function (one source, one file), but still finds a copy of it elsewhere', () => {
    const src = '@pytest.mark.parametrize("code", ["welcome", "WeLcOmE"])\ndef test_case(code):\n    assert apply_discount(50, code) == 40\n';
    const one = { ...reportTest('test_case[welcome]'), id: 'tests/t.py::test_case[welcome]', file: 'tests/t.py' };
    const two = { ...reportTest('test_case[WeLcOmE]'), id: 'tests/t.py::test_case[WeLcOmE]', file: 'tests/t.py' };
    const copy = { ...reportTest('test_case[welcome]'), id: 'tests/u.py::test_case[welcome]', file: 'tests/u.py' };
    const { kept, duplicates } = dedupTests([one, two, copy].map((test) => ({ test, source: src, language: 'python' as const })));
    expect(kept.map((k) => k.test.id)).toEqual([one.id, two.id]);
    expect(duplicates).toEqual([{ item: expect.objectContaining({ test: copy }), of: one.id }]);
  });

  it('normalises TypeScript comments but keeps URLs in strings', () => {
    expect(normaliseSource('it("x", () => { // hi\n  expect(f("http://a")).toBe(1) /* c */ })', 'typescript'))
      .toBe('it("x", () => { expect(f("http://a")).toBe(1) })');
  });

  it('ranks accept before flag, then by mutants killed, then by lines covered', () => {
    const ranked = rankTests([
      reportTest('r', { verdict: 'reject' }),
      reportTest('f', { verdict: 'flag' }),
      reportTest('a_weak', { signals: signals({ mutation: { killed: 1, killedByAssertion: 1, killedByCrash: 0, survived: 3, notReached: 0, total: 4 } }) }),
      reportTest('a_strong', { signals: signals({ mutation: { killed: 4, killedByAssertion: 4, killedByCrash: 0, survived: 0, notReached: 0, total: 4 } }) }),
    ]);
    expect(ranked.map((t) => t.name)).toEqual(['a_strong', 'a_weak', 'f', 'r']);
  });

  it('builds the AC ledger and the summary', () => {
    const r = sampleReport();
    expect(r.summary).toMatchObject({ total: 3, accepted: 1, flagged: 1, rejected: 1, stuck: 1, acsVerified: 1, acsTotal: 3 });
    expect(r.acs.map((a) => [a.id, a.status])).toEqual([['AC#1', 'verified'], ['AC#2', 'flagged'], ['AC#3', 'unverified']]);
  });
});
