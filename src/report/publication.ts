import type { Publication, Report } from './types.js';

/** The ids of the tests a publication wrote or committed (none when it went nowhere). */
export function publishedTestIds(publication: Publication): string[] {
  return publication.target.kind === 'none' ? [] : publication.files.flatMap((f) => f.tests);
}

/**
 * The report once published: its `publication`, and the criteria ledger counting what was
 * published (each criterion's `published` tests), so a criterion verified by a test that was not
 * written out says so.
 */
export function withPublication(report: Report, publication: Publication): Report {
  const published = new Set(publishedTestIds(publication));
  return {
    ...report,
    acs: report.acs.map((ac) => ({ ...ac, published: report.tests.filter((t) => t.acIds.includes(ac.id) && published.has(t.id)).map((t) => t.id) })),
    publication,
  };
}

/** Where the files went, in a few words: `committed on feature as 1a2b3c4d5e6f`, `written to /tmp/x`. */
export function describeTarget(publication: Publication): string {
  const t = publication.target;
  switch (t.kind) {
    case 'commit':
      return `committed${t.branch ? ` on ${t.repository ? `${t.repository}:` : ''}${t.branch}` : ''} as ${t.commitSha.slice(0, 12)}`;
    case 'folder':
      return `written to ${t.path}`;
    case 'pending':
      return `committed${t.branch ? ` on ${t.branch}` : ''} by this run`;
    case 'none':
      return `not published: ${t.reason}`;
  }
}

/** One line for the CLI: how many tests in how many files went where, and how many accepted tests were left out. */
export function summarisePublication(publication: Publication): string {
  const tests = publication.files.reduce((n, f) => n + f.tests.length, 0);
  const left = publication.leftOut.length;
  const files = publication.files.map((f) => f.path).join(', ');
  return [
    publication.target.kind === 'none'
      ? `nothing published: ${publication.target.reason}`
      : `published ${tests} test${tests === 1 ? '' : 's'} in ${publication.files.length} file${publication.files.length === 1 ? '' : 's'} ${describeTarget(publication)}${files ? ` (${files})` : ''}`,
    ...(left > 0 ? [`${left} accepted test${left === 1 ? '' : 's'} left out (the report's "Published" section says why)`] : []),
  ].join('; ');
}
