import type { StaticCheckOutcome } from '../../../languages/static-check-types.js';
import type { SandboxPort } from '../../../sandbox/port.js';
import type { AcceptanceCriterion } from '../../../criteria/types.js';
import type { CandidateFile } from '../../types.js';

export type StaticChecker = (candidate: CandidateFile, acs: AcceptanceCriterion[], ctx: { image: string; workspace: string; sandbox: SandboxPort }) => Promise<StaticCheckOutcome>;

/**
 * The static checks' outcome of each candidate, computed once per candidate: a generated file
 * brings the one its guard computed; a provided file is checked here, in the evaluation tree.
 */
export async function staticOutcomesFor(
  candidates: CandidateFile[],
  acs: AcceptanceCriterion[],
  check: StaticChecker,
  where: { image: string; workspace: string; sandbox: SandboxPort },
): Promise<Map<string, StaticCheckOutcome>> {
  const byId = new Map(acs.map((a) => [a.id, a]));
  const out = new Map<string, StaticCheckOutcome>();
  for (const c of candidates) {
    if (c.checks) {
      out.set(c.path, c.checks);
      continue;
    }
    const cited = c.acIds.map((id) => byId.get(id)).filter((a): a is AcceptanceCriterion => a !== undefined);
    out.set(c.path, await check(c, cited, where));
  }
  return out;
}
