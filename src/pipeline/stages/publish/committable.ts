import type { Report } from '../../../report/types.js';
import type { CandidateFile } from '../../types.js';

/** What is committed of a run: the files, how many tests they hold, and the files left out and why. */
export interface CommitSelection {
  files: CandidateFile[];
  testCount: number;
  leftOut: string[];
}

/**
 * The one commit selector (publish stage, local and GitHub publishers): the candidate files fit to
 * commit are those where every test function was accepted (or flagged, when the run's settings say
 * `commitFlagged`). A file holding a rejected or ungraded test is left out whole: we never commit a
 * test we could not prove. A file the publish stage cut down (`publishedTests`) is judged on the
 * tests it still holds.
 */
export function selectCommittable(report: Report, candidates: CandidateFile[], opts: { commitFlagged: boolean }): CommitSelection {
  const ok = new Set(opts.commitFlagged ? ['accept', 'flag'] : ['accept']);
  const files: CandidateFile[] = [];
  const leftOut: string[] = [];
  let testCount = 0;
  for (const c of candidates) {
    const tests = report.tests.filter((t) => t.file === c.path && (c.publishedTests === undefined || c.publishedTests.includes(t.name)));
    if (tests.length > 0 && tests.every((t) => ok.has(t.verdict))) {
      files.push(c);
      testCount += tests.length;
    } else if (tests.some((t) => ok.has(t.verdict))) {
      leftOut.push(`${c.path}: not committed, because it also holds tests that were not accepted`);
    }
  }
  return { files, testCount, leftOut };
}
