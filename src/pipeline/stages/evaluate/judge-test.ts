import { describeError } from '../../../errors.js';
import type { LlmPort } from '../../../llm/port.js';
import type { CandidateFile, IngestResult } from '../../types.js';
import { renderChangedCodeBlock } from '../plan/changed-code.js';
import { renderSpecBlock } from '../plan/context-blocks.js';
import { judgeFile } from './judge.js';
import { decideVerdict } from './verdict.js';
import type { TestRow } from './test-rows.js';

/**
 * The judge's shared blocks for a run: the spec block the planner and generator also send (same
 * bytes) and the changed code at head, whole where it fits. Computed once per evaluation.
 */
export function judgeContext(ingest: IngestResult): string[] {
  return [renderSpecBlock(ingest), renderChangedCodeBlock(ingest)];
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
 * Judges, in one model call (two on dissent), the given rows of one candidate file against the
 * criteria the file claims, and sets each row's judge signal. A judge that cannot answer (or leaves
 * a test out) leaves those signals empty and says so in the notes.
 */
export async function judgeCandidate(
  llm: LlmPort,
  rows: TestRow[],
  candidate: CandidateFile,
  sharedContext: string[],
  signal: AbortSignal,
): Promise<{ notes: string[]; calls: number }> {
  if (rows.length === 0) return { notes: [], calls: 0 };
  try {
    const j = await judgeFile(llm, {
      path: candidate.path,
      content: candidate.content,
      // Parametrised cases share their function: it is judged once.
      tests: [...new Set(rows.map((r) => r.statics?.name ?? r.name))].map((name) => ({ name, acIds: candidate.acIds })),
      sharedContext,
    }, { signal });
    const notes: string[] = [];
    for (const row of rows) {
      const verdict = j.verdicts.get(row.statics?.name ?? row.name);
      if (verdict) row.signals.judge = verdict;
      else notes.push(`The relevance judge gave no answer about ${row.id}.`);
    }
    return { notes, calls: j.calls };
  } catch (err) {
    if (signal.aborted) throw err;
    return { notes: rows.map((r) => `The relevance judge could not grade ${r.id}: ${describeError(err)}`), calls: 0 };
  }
}
