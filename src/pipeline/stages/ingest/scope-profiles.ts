import { posix } from 'node:path';
import type { RunSettings } from '../../../config/run-settings.js';
import type { LanguageProfile } from '../../../languages/types.js';

/**
 * The detected language profiles a run works on, as its settings say: `languages` keeps only those
 * languages; `testPaths` sets each remaining project's test folder to the first listed folder inside
 * the project (a project at the repository root takes the first one). Absent settings change nothing.
 */
export function scopeProfiles(profiles: LanguageProfile[], settings: Pick<RunSettings, 'languages' | 'testPaths'>): LanguageProfile[] {
  const { languages, testPaths } = settings;
  const kept = languages ? profiles.filter((p) => (languages as readonly string[]).includes(p.language)) : profiles;
  if (!testPaths) return kept;
  return kept.map((p) => {
    const testDir = testPaths.map(normalise).find((t) => inside(t, normalise(p.root)));
    return testDir === undefined ? p : { ...p, testDir };
  });
}

function normalise(path: string): string {
  const p = posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

function inside(path: string, root: string): boolean {
  return root === '' || path === root || path.startsWith(`${root}/`);
}
