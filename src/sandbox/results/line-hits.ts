import type { CoverageResult, FileCoverage } from './types.js';

/** Hits per line of one file, as read from a report (a file may appear several times). */
export interface LineHits {
  path: string;
  lines: Map<number, number>;
}

/** Merge per-file hit maps (a line is covered if any entry hit it) into sorted covered/missed lists. */
export function mergeCoverage(entries: LineHits[]): CoverageResult {
  const byPath = new Map<string, Map<number, number>>();
  for (const entry of entries) {
    const merged = byPath.get(entry.path) ?? new Map<number, number>();
    for (const [line, hits] of entry.lines) merged.set(line, Math.max(merged.get(line) ?? 0, hits));
    byPath.set(entry.path, merged);
  }
  const files: FileCoverage[] = [...byPath.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, lines]) => {
      const sorted = [...lines.entries()].sort(([a], [b]) => a - b);
      return { path, covered: sorted.filter(([, h]) => h > 0).map(([l]) => l), missed: sorted.filter(([, h]) => h === 0).map(([l]) => l) };
    });
  return { files };
}
