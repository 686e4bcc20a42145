import { describeError } from '../../../errors.js';
import type { LlmPort } from '../../../llm/port.js';
import type { TestSignals } from '../../../report/types.js';
import type { AcceptanceCriterion } from '../../../criteria/types.js';
import type { CandidateFile, IngestResult } from '../../types.js';
import { judgeRelevance } from './judge.js';
import { decideVerdict } from './verdict.js';
import type { TestRow } from './test-rows.js';

/** The changed code as the judge sees it: the changed symbols' signatures (or the changed files). */
export function changedExcerpt(ingest: IngestResult, candidate: CandidateFile): string {
  const targets = ingest.diff.symbols.filter((s) => s.change !== 'deleted');
  return targets.map((s) => `${s.file}::${s.qualifiedName}\n  ${s.signature}`).join('\n').slice(0, 6000) || `(changed files: ${ingest.diff.files.map((f) => f.path).join(', ')}) ${candidate.path}`;
}

/**
 * Only a test every other signal accepts is worth a model call: the judge can only turn an accept
 * into a flag, so asking it about a test already rejected or flagged buys nothing.
 */
export function worthJudging(row: TestRow, mutationEnabled: boolean): boolean {
  if (row.infraErrors.length > 0 || row.signals.passes?.ok !== true) return false;
  return decideVerdict({ signals: { ...row.signals, judge: null }, findings: row.findings, infraErrors: [], mutationEnabled }).verdict === 'accept';
}

/**
 * The judge's signal for one test, against the criteria it cites (a test that cites none is judged
 * against the whole spec). A judge that cannot answer leaves the signal empty and says so in a note.
 */
export async function judgeTest(
  llm: LlmPort,
  row: TestRow,
  candidate: CandidateFile,
  ingest: IngestResult,
  signal: AbortSignal,
): Promise<{ judge: TestSignals['judge']; note?: string }> {
  const all = ingest.spec.spec.acs;
  const cited = candidate.acIds.map((a) => all.find((x) => x.id === a)).filter((a): a is AcceptanceCriterion => a !== undefined);
  try {
    const j = await judgeRelevance(llm, { testId: row.id, testSource: row.statics?.source ?? candidate.content, acs: cited.length > 0 ? cited : all, changedCode: changedExcerpt(ingest, candidate) }, { signal });
    return { judge: j.judge };
  } catch (err) {
    if (signal.aborted) throw err;
    return { judge: null, note: `The relevance judge could not grade ${row.id}: ${describeError(err)}` };
  }
}
