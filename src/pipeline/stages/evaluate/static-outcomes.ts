import type { GraderGuard, StaticCheckOutcome } from '../../../languages/static-check-types.js';
import type { SandboxPort } from '../../../sandbox/port.js';
import type { AcceptanceCriterion } from '../../../criteria/types.js';
import type { CandidateFile } from '../../types.js';
import { rejectedByStaticChecks } from './verdict.js';

/** Where the static checks run; `guardBatch`: the grader's own run of the TS/JS guard (GuardDeps.batch). */
export interface StaticCheckPlace {
  image: string;
  workspace: string;
  sandbox: SandboxPort;
  guardBatch?: Promise<GraderGuard | undefined>;
}

/** The static checks of several candidates of one project, each against its criteria (outcomes in order): one guard process for all. */
export type StaticChecker = (
  items: Array<{ candidate: CandidateFile; acs: AcceptanceCriterion[] }>,
  ctx: StaticCheckPlace,
) => Promise<StaticCheckOutcome[]>;

/**
 * The static checks' outcome of each candidate, computed once per candidate: a generated file
 * brings the one its guard computed; the provided files are checked here, in the evaluation tree,
 * all in one call.
 */
export async function staticOutcomesFor(
  candidates: CandidateFile[],
  acs: AcceptanceCriterion[],
  check: StaticChecker,
  where: StaticCheckPlace,
): Promise<Map<string, StaticCheckOutcome>> {
  const byId = new Map(acs.map((a) => [a.id, a]));
  const out = new Map<string, StaticCheckOutcome>();
  const unchecked: Array<{ candidate: CandidateFile; acs: AcceptanceCriterion[] }> = [];
  for (const c of candidates) {
    if (c.checks) out.set(c.path, c.checks);
    else unchecked.push({ candidate: c, acs: c.acIds.map((id) => byId.get(id)).filter((a): a is AcceptanceCriterion => a !== undefined) });
  }
  if (unchecked.length === 0) return out;
  const outcomes = await check(unchecked, where);
  unchecked.forEach((u, i) => {
    const outcome = outcomes[i];
    if (outcome) out.set(u.candidate.path, outcome);
  });
  return out;
}

/**
 * The candidate files every test of which `check` rejects (or whose file-level findings do):
 * their verdict is decided before anything runs. A generated file brings its guard's outcome; the
 * others are checked here, all in one call.
 */
export async function settledFilesOf(
  candidates: CandidateFile[],
  acs: AcceptanceCriterion[],
  check: StaticChecker,
  where: StaticCheckPlace,
): Promise<Set<string>> {
  const outcomes = await staticOutcomesFor(candidates, acs, check, where);
  const settled = new Set<string>();
  for (const [path, outcome] of outcomes) {
    const whole = rejectedByStaticChecks(outcome.fileFindings);
    if (whole || (outcome.tests.length > 0 && outcome.tests.every((t) => rejectedByStaticChecks([...outcome.fileFindings, ...t.findings])))) settled.add(path);
  }
  return settled;
}
