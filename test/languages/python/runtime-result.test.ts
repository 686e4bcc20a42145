import { describe, expect, it } from 'vitest';
import { parseGraderResult } from '../../../src/languages/grader-result.js';
import { isTfError } from '../../../src/errors.js';
import { thrownBy } from '../../helpers/thrown.js';

const valid = {
  tests: [
    {
      id: 'tests/test_a.py::test_x',
      file: 'tests/test_a.py',
      name: 'test_x',
      runs: [{ outcome: 'failed', failureKind: 'assertion', message: 'assert 1 == 2', durationMs: 3 }],
      coveredChanged: { 'src/a.py': [3, 4] },
      mutants: { killed: [{ mutant: 'm1', by: 'crash' }], survived: ['m2'], notReached: [] },
      onBase: { outcome: 'passed', durationMs: 1 },
    },
  ],
  mutants: [{ id: 'm1', file: 'src/a.py', line: 3, operator: 'boundary', description: 'a < b → a <= b', coveredBy: ['tests/test_a.py::test_x'] }],
  suiteCoveredChanged: {},
  changedExecutable: { 'src/a.py': [3, 4] },
  executions: 4,
  necessaryMs: 3,
  errors: [],
};

describe('parseGraderResult', () => {
  it('accepts a valid result', () => {
    expect(parseGraderResult(JSON.stringify(valid))).toEqual(valid);
  });

  it('rejects text that is not JSON with the text as evidence', () => {
    const err = thrownBy(() => parseGraderResult('Traceback (most recent call last):'));
    expect(isTfError(err, 'RESULT_PARSE_FAILED')).toBe(true);
    if (isTfError(err)) expect(err.details['snippet']).toBe('Traceback (most recent call last):');
  });

  it('rejects a result with a wrong outcome and names the path', () => {
    const bad = structuredClone(valid);
    (bad.tests[0]!.runs[0] as { outcome: string }).outcome = 'exploded';
    const err = thrownBy(() => parseGraderResult(JSON.stringify(bad)));
    expect(isTfError(err, 'RESULT_PARSE_FAILED')).toBe(true);
    if (isTfError(err)) expect(String(err.details['issues'])).toContain('tests.0.runs.0.outcome');
  });
});
