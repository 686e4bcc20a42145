import type { QualityGateSettings } from '../config/run-settings.js';
import type { Report } from '../report/types.js';

export type CheckConclusion = 'success' | 'neutral' | 'failure' | 'action_required';

export interface GateResult {
  conclusion: CheckConclusion;
  /** Plain-words reasons for a conclusion other than success. */
  reasons: string[];
}

/**
 * The check run's conclusion from a report and the repo's thresholds. Hard thresholds fail;
 * unverified criteria under `requireAllAcsVerified` ask a person to act; anything a person should
 * look at without it being a failure (flagged tests, no accepted test, errors) is neutral.
 */
export function evaluateQualityGate(report: Report, gate: QualityGateSettings): GateResult {
  const s = report.summary;
  const failures: string[] = [];
  if (s.accepted < gate.minAccepted) failures.push(`${s.accepted} accepted test(s), the gate asks for at least ${gate.minAccepted}`);
  if (gate.failOnRejected && s.rejected > 0) failures.push(`${s.rejected} rejected test(s) and the gate fails on rejected tests`);
  if (failures.length > 0) return { conclusion: 'failure', reasons: failures };

  // Criteria derived from the PR's own text (no spec) are not requirements anyone reviewed: reported, not blocking.
  const derived = report.spec?.derived !== undefined;
  if (gate.requireAllAcsVerified && !derived && s.acsVerified < s.acsTotal) {
    return { conclusion: 'action_required', reasons: [`${s.acsTotal - s.acsVerified} of ${s.acsTotal} acceptance criteria are not verified`] };
  }

  const notes: string[] = [];
  if (s.accepted === 0) notes.push('no test was accepted');
  if (s.flagged > 0) notes.push(`${s.flagged} flagged test(s) need a review`);
  if (s.errors > 0) notes.push(`${s.errors} test(s) could not be evaluated`);
  if (gate.requireAllAcsVerified && derived && s.acsVerified < s.acsTotal) notes.push(`${s.acsTotal - s.acsVerified} of ${s.acsTotal} criteria derived from the PR (no spec) are not verified`);
  if (notes.length > 0) return { conclusion: 'neutral', reasons: notes };
  return { conclusion: 'success', reasons: [] };
}
