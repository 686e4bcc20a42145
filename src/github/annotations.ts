import type { Report } from '../report/types.js';

/** The Checks API takes at most this many annotations in one request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
}

const MESSAGE_LIMIT = 64 * 1024 - 1;

/** Annotations for flagged and rejected tests (at the test) and for unverified criteria (in the spec). */
export function buildAnnotations(report: Report): CheckAnnotation[] {
  const out: CheckAnnotation[] = [];
  for (const test of report.tests) {
    if (test.verdict !== 'flag' && test.verdict !== 'reject') continue;
    const line = test.line ?? test.signals.lint.find((f) => f.line !== undefined)?.line ?? 1;
    const reasons = test.reasons.map((r) => `- ${r.text}`).join('\n') || '- (no reason recorded)';
    out.push({
      path: test.file,
      start_line: line,
      end_line: line,
      annotation_level: test.verdict === 'flag' ? 'warning' : 'notice',
      title: `${test.verdict === 'flag' ? 'Flagged' : 'Rejected'} test: ${test.name}`.slice(0, 255),
      message: `TFactory ${test.verdict === 'flag' ? 'flagged this test for review' : 'rejected this test (not committed)'}:\n${reasons}`.slice(0, MESSAGE_LIMIT),
    });
  }
  for (const ac of report.acs) {
    // Derived criteria come from the PR and its commits, not from a file an annotation could point at.
    if (ac.status !== 'unverified' || report.spec?.derived) continue;
    const path = ac.source?.path ?? report.spec?.path;
    if (!path) continue;
    const line = ac.source?.line ?? 1;
    out.push({
      path,
      start_line: line,
      end_line: line,
      annotation_level: 'warning',
      title: `${ac.id} not verified`.slice(0, 255),
      message: `No accepted test verifies this acceptance criterion:\n${ac.text}`.slice(0, MESSAGE_LIMIT),
    });
  }
  return out;
}

/** Splits annotations into request-sized batches; always at least one (possibly empty) batch. */
export function batchAnnotations(all: CheckAnnotation[], size: number = ANNOTATIONS_PER_REQUEST): CheckAnnotation[][] {
  if (all.length === 0) return [[]];
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < all.length; i += size) batches.push(all.slice(i, i + size));
  return batches;
}
