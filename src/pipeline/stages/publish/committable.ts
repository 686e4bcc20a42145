import type { Report } from '../../../report/types.js';
import type { CandidateFile } from '../../types.js';

/**
 * The candidate files fit to commit: every test function in the file was accepted (or flagged, when
 * the repo config asks for flagged tests too). A file holding a rejected or ungraded test is left
 * out whole — we never commit a test we could not prove.
 */
export function selectCommittable(report: Report, candidates: CandidateFile[], opts: { commitFlagged: boolean }): { files: CandidateFile[]; leftOut: string[] } {
  const ok = new Set(opts.commitFlagged ? ['accept', 'flag'] : ['accept']);
  const files: CandidateFile[] = [];
  const leftOut: string[] = [];
  for (const c of candidates) {
    const tests = report.tests.filter((t) => t.file === c.path);
    if (tests.length > 0 && tests.every((t) => ok.has(t.verdict))) files.push(c);
    else if (tests.some((t) => ok.has(t.verdict))) leftOut.push(`${c.path}: not committed, because it also holds tests that were not accepted`);
  }
  return { files, leftOut };
}
