import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJUnitXml } from '../../../src/sandbox/results/junit.js';
import { isTfError } from '../../../src/errors.js';

const FIX = join(import.meta.dirname, '../../../fixtures/results');
const read = (p: string): string => readFileSync(join(FIX, p), 'utf8');

describe('parseJUnitXml — pytest', () => {
  for (const family of ['xunit1', 'xunit2'] as const) {
    it(`reads every outcome from the ${family} report`, () => {
      const result = parseJUnitXml(read(`pytest-sample/junit-${family}.xml`), { repoRoot: '/tmp/pysample' });
      const byId = new Map(result.tests.map((t) => [t.id, t]));
      expect([...byId.keys()].sort()).toEqual(
        [
          family === 'xunit1' ? 'test_broken.py::test_broken' : 'test_broken',
          'test_calc.py::test_add_passes',
          'test_calc.py::test_add_fails',
          'test_calc.py::test_divide_errors',
          'test_calc.py::test_skipped',
          'test_calc.py::test_setup_error',
          'test_calc.py::TestClamp::test_low',
          'test_calc.py::TestClamp::test_high',
          'test_calc.py::TestClamp::test_inside[1]',
          'test_calc.py::TestClamp::test_inside[5]',
        ].sort(),
      );
      expect(byId.get('test_calc.py::test_add_passes')).toMatchObject({ outcome: 'passed', file: 'test_calc.py', name: 'test_add_passes' });
      expect(byId.get('test_calc.py::test_add_fails')).toMatchObject({ outcome: 'failed', failureType: 'AssertionError', message: 'AssertionError: two and two' });
      expect(byId.get('test_calc.py::test_divide_errors')).toMatchObject({ outcome: 'failed', failureType: 'ZeroDivisionError', message: 'ZeroDivisionError: b must not be zero' });
      expect(byId.get('test_calc.py::test_skipped')).toMatchObject({ outcome: 'skipped', message: 'not ready yet' });
      expect(byId.get('test_calc.py::test_skipped')?.failureType).toBeUndefined();
      const setup = byId.get('test_calc.py::test_setup_error');
      expect(setup?.outcome).toBe('error');
      expect(setup?.failureType).toBe('RuntimeError');
      expect(setup?.details).toContain('fixture exploded');
      expect(byId.get('test_calc.py::TestClamp::test_high')).toMatchObject({ outcome: 'failed', classname: 'test_calc.TestClamp', failureType: 'AssertionError' });
      const broken = result.tests.find((t) => t.name === 'test_broken');
      expect(broken).toMatchObject({ outcome: 'error', message: 'collection failure' });
      expect(broken?.details).toContain('missing_module_for_fixture');
      expect(result.totals).toEqual({ tests: 10, passed: 4, failed: 3, errors: 2, skipped: 1 });
      for (const t of result.tests) expect(t.durationMs).toBeGreaterThanOrEqual(0);
      expect(result.durationMs).toBeGreaterThan(0);
    });
  }

  it('keeps the xunit1 file attribute as the file', () => {
    const result = parseJUnitXml(read('pytest-sample/junit-xunit1.xml'));
    expect(result.tests.find((t) => t.name === 'test_low')?.file).toBe('test_calc.py');
  });
});

describe('parseJUnitXml — vitest', () => {
  const result = parseJUnitXml(read('vitest-sample/junit.xml'), { repoRoot: '/tmp/vtsample' });
  const byName = new Map(result.tests.map((t) => [t.name, t]));

  it('uses the classname as the file and keeps describe paths in the name', () => {
    expect(byName.get('clamp > nested > clamps high')).toMatchObject({
      id: 'src/calc.test.ts::clamp > nested > clamps high',
      file: 'src/calc.test.ts',
      outcome: 'failed',
      failureType: 'AssertionError',
      message: 'expected 10 to be 11 // Object.is equality',
    });
  });

  it('reads thrown errors, skips, todos and a file that fails to import', () => {
    expect(byName.get('divides by zero')).toMatchObject({ outcome: 'failed', failureType: 'RangeError', message: 'b must not be zero' });
    expect(byName.get('is skipped')?.outcome).toBe('skipped');
    expect(byName.get('is a todo')?.outcome).toBe('skipped');
    expect(byName.get('src/broken.test.ts')).toMatchObject({ outcome: 'failed', failureType: 'Error' });
    expect(byName.get('src/broken.test.ts')?.message).toContain("Cannot find module './missing-module'");
    expect(result.totals).toEqual({ tests: 8, passed: 2, failed: 4, errors: 0, skipped: 2 });
  });
});

describe('parseJUnitXml — robustness', () => {
  it('gives an empty result for empty input', () => {
    expect(parseJUnitXml('  \n')).toEqual({ tests: [], totals: { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0 }, durationMs: 0 });
  });

  it('throws RESULT_PARSE_FAILED with a snippet for malformed XML', () => {
    const truncated = read('pytest-sample/junit-xunit1.xml').slice(0, 700);
    let caught: unknown;
    try {
      parseJUnitXml(truncated);
    } catch (err) {
      caught = err;
    }
    expect(isTfError(caught, 'RESULT_PARSE_FAILED')).toBe(true);
    if (!isTfError(caught)) return;
    expect(caught.details['format']).toBe('JUnit XML');
    expect(String(caught.details['snippet'])).toContain('<testcase');
  });

  it('reads a bare <testsuite> root', () => {
    const xml = '<testsuite name="x" time="1.5"><testcase classname="a.b" name="t" time="0.25"/></testsuite>';
    const result = parseJUnitXml(xml);
    expect(result.tests).toEqual([{ id: 'a.b::t', classname: 'a.b', name: 't', outcome: 'passed', durationMs: 250 }]);
    expect(result.durationMs).toBe(1500);
  });

  it('parses 20k testcases', () => {
    const cases = Array.from({ length: 20_000 }, (_, i) =>
      i % 10 === 0
        ? `<testcase classname="tests.test_big" name="test_${i}" time="0.001"><failure message="assert ${i} == 0">boom\ntests/test_big.py:${i}: AssertionError</failure></testcase>`
        : `<testcase classname="tests.test_big" name="test_${i}" time="0.001"/>`,
    );
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="20000">${cases.join('')}</testsuite></testsuites>`;
    const result = parseJUnitXml(xml);
    expect(result.totals).toEqual({ tests: 20_000, passed: 18_000, failed: 2000, errors: 0, skipped: 0 });
    expect(result.tests[10]).toMatchObject({ id: 'tests/test_big.py::test_10', failureType: 'AssertionError' });
  });
});
