import { describeError } from '../../../errors.js';
import type { LlmPort } from '../../../llm/port.js';
import type { CandidateFile, IngestResult } from '../../types.js';
import { renderChangedCodeBlock } from '../plan/changed-code.js';
import { renderSpecBlock } from '../plan/context-blocks.js';
import { judgeFiles } from './judge.js';
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
  return decideVerdict({ signals: { ...row.signals, judge: null }, findings: row.findings, infraErrors: [], mutationEnabled, ...(row.measured?.onBase ? { onBase: row.measured.onBase } : {}) }).verdict === 'accept';
}

/** One candidate file and its rows worth judging. */
export interface JudgeItem {
  candidate: CandidateFile;
  rows: TestRow[];
}

/**
 * Judges the given rows of a run's candidate files, as many files per model call as fit the
 * judge's budget (two calls on dissent), each test against the criteria its file claims, and sets
 * each row's judge signal. A judge that cannot answer (or leaves a test out) leaves those signals
 * empty and says so in the notes.
 */
export async function judgeCandidates(llm: LlmPort, items: JudgeItem[], sharedContext: string[], signal: AbortSignal): Promise<{ notes: string[]; calls: number }> {
  const withRows = items.filter((i) => i.rows.length > 0);
  if (withRows.length === 0) return { notes: [], calls: 0 };
  const notes: string[] = [];
  const failed = new Set<string>();
  const j = await judgeFiles(llm, withRows.map(({ candidate, rows }) => ({
    path: candidate.path,
    content: candidate.content,
    // Parametrised cases share their function: it is judged once.
    tests: [...new Set(rows.map((r) => r.statics?.name ?? r.name))].map((name) => ({ name, acIds: candidate.acIds })),
  })), sharedContext, {
    signal,
    onError: (batch, err) => {
      for (const f of batch) failed.add(f.path);
      for (const { candidate, rows } of withRows) {
        if (batch.some((f) => f.path === candidate.path)) notes.push(...rows.map((r) => `The relevance judge could not grade ${r.id}: ${describeError(err)}`));
      }
    },
  });
  for (const { candidate, rows } of withRows) {
    if (failed.has(candidate.path)) continue;
    const verdicts = j.verdicts.get(candidate.path);
    for (const row of rows) {
      const verdict = verdicts?.get(row.statics?.name ?? row.name);
      if (verdict) row.signals.judge = verdict;
      else notes.push(`The relevance judge gave no answer about ${row.id}.`);
    }
  }
  return { notes, calls: j.calls };
}

/** The rows of one candidate file judged alone. */
export function judgeCandidate(llm: LlmPort, rows: TestRow[], candidate: CandidateFile, sharedContext: string[], signal: AbortSignal): Promise<{ notes: string[]; calls: number }> {
  return judgeCandidates(llm, [{ candidate, rows }], sharedContext, signal);
}
