import type { ChangedFile, DiffSummary } from '../../../git/types.js';
import { pluginForProfile, sameFamily } from '../../../languages/registry.js';
import type { LanguageProfile } from '../../../languages/types.js';
import type { CandidateFile } from '../../types.js';

function inRoot(path: string, root: string): boolean {
  return root === '' || root === '.' || path === root || path.startsWith(`${root.replace(/\/$/, '')}/`);
}

export function isTestPath(path: string, profile: LanguageProfile): boolean {
  return pluginForProfile(profile).isTestPath(path);
}

function isSourcePath(path: string, profile: LanguageProfile): boolean {
  return pluginForProfile(profile).isSourcePath(path);
}

/** Changed source lines (head side) of a profile's code under test: test files and candidates excluded. */
export function changedRangesFor(diff: DiffSummary, profile: LanguageProfile, candidates: CandidateFile[]): Record<string, Array<{ start: number; end: number }>> {
  const candidatePaths = new Set(candidates.map((c) => c.path));
  const out: Record<string, Array<{ start: number; end: number }>> = {};
  for (const f of diff.files as ChangedFile[]) {
    if (f.change === 'deleted' || f.binary || f.addedRanges.length === 0) continue;
    if (candidatePaths.has(f.path) || !inRoot(f.path, profile.root) || !isSourcePath(f.path, profile)) continue;
    out[f.path] = f.addedRanges.map((r) => ({ start: r.start, end: r.end }));
  }
  return out;
}

/** The candidates a profile grades (by language plug-in and project root). */
export function candidatesFor(profile: LanguageProfile, candidates: CandidateFile[]): CandidateFile[] {
  return candidates.filter((c) => sameFamily(c.language, profile.language) && inRoot(c.path, profile.root));
}
