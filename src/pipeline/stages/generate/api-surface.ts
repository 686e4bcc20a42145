import type { IngestResult } from '../../types.js';
import { fence } from '../plan/context-blocks.js';
import { findProfileForFile, isTestPath, readWorkspaceFile } from '../plan/workspace-files.js';
import { resolveProjectImports } from './imports.js';
import { pluginForProfile } from '../../../languages/registry.js';

export const SURFACE_LIMITS = { wholeFileLines: 250, windowMargin: 3, importedModules: 12, signaturesPerModule: 60 };

/**
 * The API surface the generator sees (shared by every generate request of a run): each changed
 * source file (whole when small, else the changed symbols with a margin plus the signatures of the
 * rest), then the signatures of the project modules those files import. Not the whole repository.
 */
export function buildApiSurface(ingest: IngestResult): string {
  const out: string[] = ['# API surface (the only API a test may use)'];
  const imported = new Set<string>();
  const changed = ingest.diff.files.filter((f) => f.change !== 'deleted' && !f.binary && !isTestPath(f.path));
  for (const file of changed) {
    const profile = findProfileForFile(ingest.profiles, file.path);
    const content = readWorkspaceFile(ingest.workspaceDir, file.path);
    if (!profile || content === undefined) continue;
    const lines = content.split('\n');
    out.push('', `## ${file.path} (changed)`);
    if (lines.length <= SURFACE_LIMITS.wholeFileLines) {
      out.push(fence(file.path), content.trimEnd(), '```');
    } else {
      const windows = mergeWindows(
        ingest.diff.symbols
          .filter((s) => s.file === file.path && s.change !== 'deleted')
          .map((s) => ({ start: Math.max(1, s.range.start - SURFACE_LIMITS.windowMargin), end: Math.min(lines.length, s.range.end + SURFACE_LIMITS.windowMargin) })),
      );
      out.push('Signatures of the module:', fence(file.path), ...pluginForProfile(profile).extractSignatures(content), '```');
      for (const w of windows) out.push(`Changed code, lines ${w.start}-${w.end}:`, fence(file.path), ...lines.slice(w.start - 1, w.end), '```');
    }
    resolveProjectImports(ingest.workspaceDir, file.path, content, profile).forEach((p) => imported.add(p));
  }
  const changedPaths = new Set(changed.map((f) => f.path));
  for (const path of [...imported].filter((p) => !changedPaths.has(p)).slice(0, SURFACE_LIMITS.importedModules)) {
    const profile = findProfileForFile(ingest.profiles, path);
    const content = readWorkspaceFile(ingest.workspaceDir, path);
    if (!profile || content === undefined) continue;
    const sigs = pluginForProfile(profile).extractSignatures(content).slice(0, SURFACE_LIMITS.signaturesPerModule);
    if (sigs.length) out.push('', `## ${path} (imported by the changed code; signatures only)`, fence(path), ...sigs, '```');
  }
  return out.join('\n');
}

function mergeWindows(ranges: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}
