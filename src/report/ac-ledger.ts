import type { AcceptanceCriterion } from '../criteria/types.js';
import type { ReportAc, ReportTest } from './types.js';

/** Each AC is verified if an accepted test cites it, flagged if only flagged tests do, else unverified. */
export function buildAcLedger(acs: AcceptanceCriterion[], tests: ReportTest[]): ReportAc[] {
  return acs.map((ac) => {
    const citing = tests.filter((t) => t.acIds.includes(ac.id));
    const accepted = citing.filter((t) => t.verdict === 'accept');
    const flagged = citing.filter((t) => t.verdict === 'flag');
    const status: ReportAc['status'] = accepted.length > 0 ? 'verified' : flagged.length > 0 ? 'flagged' : 'unverified';
    return { id: ac.id, text: ac.text, status, tests: (accepted.length > 0 ? accepted : flagged).map((t) => t.id), source: ac.source };
  });
}
