import type { ReportTest, Verdict } from '../../../report/types.js';

const ORDER: Record<Verdict, number> = { accept: 0, flag: 1, reject: 2, error: 3 };

/** Accept before flag (before reject, before error); then mutants killed; then changed lines covered. */
export function rankTests(tests: ReportTest[]): ReportTest[] {
  return [...tests].sort((a, b) =>
    ORDER[a.verdict] - ORDER[b.verdict]
    || (b.signals.mutation?.killedByAssertion ?? 0) - (a.signals.mutation?.killedByAssertion ?? 0)
    || (b.signals.mutation?.killed ?? 0) - (a.signals.mutation?.killed ?? 0)
    || (b.signals.coverage?.coveredCount ?? 0) - (a.signals.coverage?.coveredCount ?? 0)
    || a.id.localeCompare(b.id));
}
