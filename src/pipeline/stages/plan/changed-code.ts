import { pluginForProfile } from '../../../languages/registry.js';
import type { IngestResult } from '../../types.js';
import { fence } from './context-blocks.js';
import { findProfileForFile, isTestPath, readWorkspaceFile } from './workspace-files.js';

/** Characters of changed code (≈ 4 per token) a shared block holds whole; past it, a file shows its signatures and changed lines. */
export const CHANGED_CODE_BUDGET_CHARS = 48_000;
const WINDOW_MARGIN = 3;

/** The changed source files (not tests, deleted or binary files) the stages show the model, in diff order. */
export function changedSourceFiles(ingest: IngestResult): string[] {
  return ingest.diff.files.filter((f) => f.change !== 'deleted' && !f.binary && !isTestPath(f.path)).map((f) => f.path);
}

/**
 * The changed source files at head, each whole while the budget lasts (in diff order); a file past
 * the budget shows the signatures of its module and its changed symbols with a few lines around.
 * A pure function of the ingest (same checkout, same text): byte-stable across a run's requests.
 */
export function renderChangedCodeBlock(ingest: IngestResult, budgetChars = CHANGED_CODE_BUDGET_CHARS): string {
  const out: string[] = ['# Changed code at head'];
  let left = budgetChars;
  for (const path of changedSourceFiles(ingest)) {
    const content = readWorkspaceFile(ingest.workspaceDir, path);
    if (content === undefined) continue;
    if (content.length <= left) {
      left -= content.length;
      out.push('', `## ${path} (whole file)`, fence(path), content.trimEnd(), '```');
      continue;
    }
    left = 0;
    const profile = findProfileForFile(ingest.profiles, path);
    const lines = content.replace(/\n$/, '').split('\n');
    out.push('', `## ${path} (${lines.length} lines: over the context budget, its signatures and changed code only)`);
    if (profile) out.push('Signatures of the module:', fence(path), ...pluginForProfile(profile).extractSignatures(content), '```');
    for (const w of changedWindows(ingest, path, lines.length)) out.push(`Lines ${w.start}-${w.end}:`, fence(path), ...lines.slice(w.start - 1, w.end), '```');
  }
  if (out.length === 1) out.push('(no changed source file could be read)');
  return out.join('\n');
}

/** The changed symbols' ranges of a file (else its added line ranges), widened a little and merged. */
export function changedWindows(ingest: IngestResult, path: string, lineCount: number): Array<{ start: number; end: number }> {
  const symbols = ingest.diff.symbols.filter((s) => s.file === path && s.change !== 'deleted').map((s) => s.range);
  const ranges = symbols.length > 0 ? symbols : (ingest.diff.files.find((f) => f.path === path)?.addedRanges ?? []);
  const sorted = ranges
    .map((r) => ({ start: Math.max(1, r.start - WINDOW_MARGIN), end: Math.min(lineCount, r.end + WINDOW_MARGIN) }))
    .sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}
