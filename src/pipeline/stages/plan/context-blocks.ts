import { languageOfPath } from '../../../languages/registry.js';
import type { IngestResult } from '../../types.js';
import { isTestPath, listTestFiles, listTestNames, moduleStem, readWorkspaceFile } from './workspace-files.js';

/** Limits that keep the shared prefix small (it is sent with every request of the run). */
export const CONTEXT_LIMITS = { symbolLines: 80, totalCodeLines: 600, testFiles: 20, namesPerFile: 40, importLines: 12 };

/** The spec block: title, id and every AC with its id. Shared by planner, generator and judge. */
export function renderSpecBlock(ingest: IngestResult): string {
  const spec = ingest.spec.spec;
  const acs = spec.acs.map((ac) => `- ${ac.id}: ${ac.text.replace(/\s+/g, ' ').trim()}`);
  return [`# Spec: ${spec.title} (${spec.id})`, '', '## Acceptance criteria', ...(acs.length ? acs : ['(none found)'])].join('\n');
}

/** The diff block: changed files with ranges, then each changed symbol with its signature and code at head. */
export function renderDiffBlock(ingest: IngestResult): string {
  const lines: string[] = ['# Diff (base...head)', '', '## Changed files'];
  for (const f of ingest.diff.files) {
    if (f.binary) continue;
    const ranges = f.addedRanges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(', ');
    lines.push(`- ${f.path} (${f.change}${f.oldPath ? ` from ${f.oldPath}` : ''})${ranges ? `: lines ${ranges}` : ''}${isTestPath(f.path) ? ' [test file]' : ''}`);
  }
  lines.push('', '## Changed symbols');
  if (ingest.diff.symbols.length === 0) lines.push('(none detected)');
  let budget = CONTEXT_LIMITS.totalCodeLines;
  const cache = new Map<string, string[] | undefined>();
  for (const s of ingest.diff.symbols) {
    lines.push('', `### ${s.file}::${s.qualifiedName} (${s.kind}, ${s.change})`, `Signature: ${s.signature}`);
    if (s.change === 'deleted' || budget <= 0) continue;
    if (!cache.has(s.file)) cache.set(s.file, readWorkspaceFile(ingest.workspaceDir, s.file)?.split('\n'));
    const fileLines = cache.get(s.file);
    if (!fileLines) continue;
    const end = Math.min(s.range.end, s.range.start + CONTEXT_LIMITS.symbolLines - 1, s.range.start + budget - 1);
    const code = fileLines.slice(s.range.start - 1, end);
    budget -= code.length;
    lines.push(`Code at head (lines ${s.range.start}-${end}):`, fence(s.file), ...code, '```');
  }
  return lines.join('\n');
}

/** Existing tests whose file name mentions a changed module: file names and test names only. */
export function renderExistingTestsBlock(ingest: IngestResult): string {
  const stems = new Set(ingest.diff.files.filter((f) => !isTestPath(f.path)).map((f) => moduleStem(f.path).toLowerCase()));
  const seen = new Set<string>();
  const lines: string[] = ['# Existing tests near the changed code'];
  for (const profile of ingest.profiles) {
    for (const file of listTestFiles(ingest.workspaceDir, profile.testDir)) {
      if (seen.has(file) || seen.size >= CONTEXT_LIMITS.testFiles) continue;
      const lower = file.toLowerCase();
      if (![...stems].some((stem) => lower.includes(stem))) continue;
      seen.add(file);
      const names = listTestNames(readWorkspaceFile(ingest.workspaceDir, file) ?? '').slice(0, CONTEXT_LIMITS.namesPerFile);
      lines.push(`- ${file}: ${names.length ? names.join(', ') : '(no test names found)'}`);
    }
  }
  if (seen.size === 0) lines.push('(none found)');
  return lines.join('\n');
}

/** Opening code fence for a file, tagged with its language (a Language value is its fence tag). */
export function fence(path: string): string {
  return '```' + (languageOfPath(path) ?? '');
}
