import { assignIds } from './assign-ids.js';
import { hashText } from './load-spec.js';
import { isAcceptanceHeading, isRequirementsHeading, parseAcsFromMarkdown } from './parse-acs.js';
import type { SpecSnapshot } from './types.js';

/** `TFactory-Spec: <id>` or `AIFactory-Spec: <id>` in a PR body. */
export function readSpecTrailer(body: string | undefined): string | undefined {
  if (!body) return undefined;
  return /^\s*(?:TFactory|AIFactory)-Spec:\s*(\S+)\s*$/im.exec(body)?.[1];
}

export function prLabel(prNumber: number | undefined): string {
  return prNumber === undefined ? 'PR description' : `PR #${prNumber} description`;
}

/**
 * The PR description as a spec: its Acceptance Criteria section, or (when `checklists` is set)
 * checklist items anywhere. Undefined when it holds no criteria.
 */
export function readPrBodySpec(body: string, opts: { prNumber?: number; commitSha?: string; checklists: boolean }): SpecSnapshot | undefined {
  const path = prLabel(opts.prNumber);
  const raw = parseAcsFromMarkdown(body, path, { section: isAcceptanceHeading, weakSection: isRequirementsHeading, fallback: opts.checklists ? 'anywhere+checklists' : 'none' });
  if (raw.length === 0) return undefined;
  return {
    kind: 'pr-body',
    id: opts.prNumber === undefined ? 'pr' : `pr-${opts.prNumber}`,
    title: opts.prNumber === undefined ? 'Pull request description' : `Pull request #${opts.prNumber}`,
    path,
    ...(opts.commitSha ? { commitSha: opts.commitSha } : {}),
    contentHash: hashText(body),
    acs: assignIds(raw),
  };
}
