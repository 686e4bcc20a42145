import { TfError } from '../errors.js';
import { loadSpec } from './load-spec.js';
import { listSpecCandidates, matchesId, slugOf, SPEC_ROOTS, type SpecCandidate } from './locate-specs.js';
import { prLabel, readPrBodySpec, readSpecTrailer } from './pr-body.js';
import type { SpecSelection } from './types.js';

export interface SelectSpecInput {
  /** The checkout (at head) to look in. */
  dir: string;
  /** Commit the checkout is at, recorded in the snapshot. */
  commitSha?: string;
  /** `/tfactory run --spec <id>` or `--spec` on the CLI. */
  explicitId?: string;
  prBody?: string;
  prNumber?: number;
  headBranch?: string;
  /** Repo-relative paths the PR changes. */
  changedPaths?: string[];
}

function describeCandidates(cs: SpecCandidate[]): string {
  return cs.map((c) => `${c.id} (${c.folder})`).join(', ');
}

function notFoundById(id: string, from: string, all: SpecCandidate[]): TfError {
  const available = all.map((c) => c.id);
  const list = available.length > 0 ? `specs in this repository: ${available.join(', ')}` : 'this repository has no spec folders';
  return new TfError('SPEC_NOT_FOUND', `spec '${id}' (${from}) not found; ${list}`, {
    details: { requested: id, from, available },
    hint: 'use one of the listed ids',
  });
}

function ambiguous(cs: SpecCandidate[], why: string): TfError {
  return new TfError('SPEC_AMBIGUOUS', `several specs match this PR (${why}): ${describeCandidates(cs)}`, {
    details: { candidates: cs.map((c) => c.id), why },
    hint: 'choose one with `/tfactory run --spec <id>` or a `TFactory-Spec: <id>` line in the PR body',
  });
}

function touchedBy(all: SpecCandidate[], changed: string[]): SpecCandidate[] {
  return all.filter((c) => changed.some((p) => p.replace(/^\.\//, '').startsWith(`${c.folder}/`)));
}

/** Specs whose id (or Agent OS slug) the branch name contains; a spec named inside a longer match yields to it. */
function namedByBranch(cs: SpecCandidate[], branch: string | undefined): SpecCandidate[] {
  if (!branch) return [];
  const b = branch.toLowerCase();
  const hits = cs.filter((c) => b.includes(c.id.toLowerCase()) || (slugOf(c).length >= 3 && b.includes(slugOf(c).toLowerCase())));
  const names = hits.map((c) => slugOf(c).toLowerCase());
  return hits.filter((c) => !names.some((n) => n !== slugOf(c).toLowerCase() && n.includes(slugOf(c).toLowerCase())));
}

/**
 * Choose the spec for a PR (SPEC-FORMATS.md "Choosing the spec for a PR"): explicit id; a
 * `TFactory-Spec:` line in the PR body; spec folders the diff touches; a spec id in the head
 * branch name; the only spec in the repo; the PR description's Acceptance Criteria.
 */
export async function selectSpec(input: SelectSpecInput): Promise<SpecSelection> {
  const all = await listSpecCandidates(input.dir);
  const candidates = all.map((c) => c.id);
  const pick = async (c: SpecCandidate, reason: SpecSelection['reason']): Promise<SpecSelection> => ({
    spec: await loadSpec(input.dir, c, input.commitSha),
    reason,
    candidates,
  });

  if (input.explicitId) {
    const hit = all.find((c) => matchesId(c, input.explicitId as string));
    if (!hit) throw notFoundById(input.explicitId, 'given with --spec', all);
    return pick(hit, 'explicit');
  }
  const trailer = readSpecTrailer(input.prBody);
  if (trailer) {
    const hit = all.find((c) => matchesId(c, trailer));
    if (!hit) throw notFoundById(trailer, 'named by a TFactory-Spec line in the PR body', all);
    return pick(hit, 'pr-body-trailer');
  }
  const touched = touchedBy(all, input.changedPaths ?? []);
  if (touched.length === 1) return pick(touched[0] as SpecCandidate, 'diff-touches');
  if (touched.length > 1) {
    const named = namedByBranch(touched, input.headBranch);
    if (named.length === 1) return pick(named[0] as SpecCandidate, 'branch-name');
    throw ambiguous(touched, 'the diff touches several spec folders');
  }
  const named = namedByBranch(all, input.headBranch);
  if (named.length === 1) return pick(named[0] as SpecCandidate, 'branch-name');
  if (named.length > 1) throw ambiguous(named, `the branch name '${input.headBranch ?? ''}' names several specs`);
  if (all.length === 1) return pick(all[0] as SpecCandidate, 'only-spec');

  // No spec folder chosen: the PR description, if it states criteria (checklists count only when the repo has no specs).
  const fromBody = input.prBody ? readPrBodySpec(input.prBody, { ...(input.prNumber !== undefined ? { prNumber: input.prNumber } : {}), ...(input.commitSha ? { commitSha: input.commitSha } : {}), checklists: all.length === 0 }) : undefined;
  if (fromBody) return { spec: fromBody, reason: 'pr-description', candidates };
  if (all.length > 1) throw ambiguous(all, 'nothing in the PR points to one of them');

  const looked = [
    'an explicit spec id (`/tfactory run --spec <id>` or --spec): none given',
    'a `TFactory-Spec: <id>` or `AIFactory-Spec: <id>` line in the PR body: none',
    ...SPEC_ROOTS.map((r) => `${r.pattern}: none`),
    input.prBody === undefined
      ? `an "Acceptance Criteria" section or a checklist in the ${prLabel(input.prNumber)}: no description given`
      : `an "Acceptance Criteria" section or a checklist in the ${prLabel(input.prNumber)}: none`,
  ];
  throw new TfError('SPEC_NOT_FOUND', `no spec found. Looked for:\n${looked.map((l) => `  - ${l}`).join('\n')}`, {
    details: { looked },
    hint: 'add a spec under .aifactory/specs/<id>/spec.md, or an "## Acceptance Criteria" section to the PR description',
  });
}

/**
 * What an evaluate-only run uses when `selectSpec` finds no spec (SPEC_NOT_FOUND with what it looked
 * for): no criteria, so no criteria ledger; the tests are graded all the same and the report says so.
 * A spec asked for by id and not found stays an error.
 */
export function noSpecSelection(err: unknown): SpecSelection | undefined {
  if (!(err instanceof TfError) || err.code !== 'SPEC_NOT_FOUND') return undefined;
  const looked = (err.details as { looked?: unknown } | undefined)?.looked;
  if (!Array.isArray(looked)) return undefined;
  return {
    spec: { kind: 'none', id: 'none', title: 'no spec', path: '', contentHash: '', acs: [], warnings: looked.map(String) },
    reason: 'none',
    candidates: [],
  };
}
