import type { ChangedFile, DiffSummary } from '../../../git/types.js';
import type { LanguageProfile } from '../../../languages/types.js';
import type { CandidateFile } from '../../types.js';

const PY_TEST = /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$/;
const JS_TEST = /\.(test|spec)\.[cm]?[jt]sx?$/;
const PY_SRC = /\.py$/;
const JS_SRC = /\.[cm]?[jt]sx?$/;

function inRoot(path: string, root: string): boolean {
  return root === '' || root === '.' || path === root || path.startsWith(`${root.replace(/\/$/, '')}/`);
}

export function isTestPath(path: string, profile: LanguageProfile): boolean {
  if (profile.language === 'python') return PY_TEST.test(path) || /(^|\/)tests?\//.test(path);
  return JS_TEST.test(path) || /(^|\/)__tests__\//.test(path);
}

function isSourcePath(path: string, profile: LanguageProfile): boolean {
  const lang = profile.language === 'python' ? PY_SRC : JS_SRC;
  return lang.test(path) && !path.endsWith('.d.ts') && !isTestPath(path, profile) && !/(^|\/)(node_modules|dist|build)\//.test(path);
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

/** The candidates a profile grades (by language and project root). */
export function candidatesFor(profile: LanguageProfile, candidates: CandidateFile[]): CandidateFile[] {
  const py = profile.language === 'python';
  return candidates.filter((c) => (py ? c.language === 'python' : c.language !== 'python') && inRoot(c.path, profile.root));
}
