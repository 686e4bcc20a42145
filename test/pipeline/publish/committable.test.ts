import { describe, expect, it } from 'vitest';
import { selectCommittable } from '../../../src/pipeline/stages/publish/committable.js';
import type { CandidateFile } from '../../../src/pipeline/types.js';
import type { Verdict } from '../../../src/report/types.js';
import { makeReport, reportTest } from '../../fakes/reports.js';

function candidate(path: string): CandidateFile {
  return { path, content: 'def test_x():\n    assert True\n', language: 'python', framework: 'pytest', origin: 'generated', acIds: ['AC#1'] };
}

function reportOf(tests: Array<[file: string, verdict: Verdict]>) {
  return { ...makeReport({}), tests: tests.map(([file, verdict], i) => reportTest(`test_${i}`, { id: `${file}::test_${i}`, file, verdict })) };
}

describe('selectCommittable', () => {
  const report = reportOf([
    ['tests/test_good.py', 'accept'],
    ['tests/test_good.py', 'accept'],
    ['tests/test_mixed.py', 'accept'],
    ['tests/test_mixed.py', 'reject'],
    ['tests/test_flagged.py', 'accept'],
    ['tests/test_flagged.py', 'flag'],
    ['tests/test_bad.py', 'reject'],
    ['tests/test_error.py', 'error'],
  ]);
  const candidates = ['tests/test_good.py', 'tests/test_mixed.py', 'tests/test_flagged.py', 'tests/test_bad.py', 'tests/test_error.py', 'tests/test_ungraded.py'].map(candidate);

  it('commits only files whose every test was accepted, and says which mixed files were left out', () => {
    const selection = selectCommittable(report, candidates, { commitFlagged: false });
    expect(selection.files.map((f) => f.path)).toEqual(['tests/test_good.py']);
    expect(selection.testCount).toBe(2);
    expect(selection.leftOut).toEqual([
      'tests/test_mixed.py: not committed, because it also holds tests that were not accepted',
      'tests/test_flagged.py: not committed, because it also holds tests that were not accepted',
    ]);
  });

  it('also commits flagged tests when the settings say so', () => {
    const selection = selectCommittable(report, candidates, { commitFlagged: true });
    expect(selection.files.map((f) => f.path)).toEqual(['tests/test_good.py', 'tests/test_flagged.py']);
    expect(selection.testCount).toBe(4);
    expect(selection.leftOut).toEqual(['tests/test_mixed.py: not committed, because it also holds tests that were not accepted']);
  });

  it('never commits a file no test of the report comes from', () => {
    expect(selectCommittable(reportOf([]), [candidate('tests/test_new.py')], { commitFlagged: true })).toEqual({ files: [], testCount: 0, leftOut: [] });
  });
});
