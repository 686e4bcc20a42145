import { describe, expect, it } from 'vitest';
import type { LanguageProfile } from '../../../src/languages/types.js';
import { scopeProfiles } from '../../../src/pipeline/stages/ingest/scope-profiles.js';

function profile(language: LanguageProfile['language'], root: string, testDir: string): LanguageProfile {
  return { language, framework: language === 'python' ? 'pytest' : 'vitest', packageManager: 'none', root, testDir, layout: 'flat', testFileNamePattern: 'x', files: [] };
}

const py = profile('python', '', 'tests');
const web = profile('typescript', 'web', 'web/src');
const js = profile('javascript', 'tools', 'tools');

describe('scopeProfiles (repo config languages / testPaths)', () => {
  it('changes nothing without settings', () => {
    expect(scopeProfiles([py, web, js], {})).toEqual([py, web, js]);
  });

  it('keeps only the configured languages', () => {
    expect(scopeProfiles([py, web, js], { languages: ['typescript'] })).toEqual([web]);
    expect(scopeProfiles([py, web, js], { languages: ['python', 'javascript'] })).toEqual([py, js]);
  });

  it('puts tests in the first configured folder inside each project', () => {
    const scoped = scopeProfiles([py, web, js], { testPaths: ['web/test/', 'qa/unit'] });
    expect(scoped.map((p) => p.testDir)).toEqual(['web/test', 'web/test', 'tools']);
    // The project at the root takes the first folder; a project with no folder inside it keeps its own.
    expect(scopeProfiles([py, js], { testPaths: ['qa/unit', 'web/test'] }).map((p) => p.testDir)).toEqual(['qa/unit', 'tools']);
    expect(scopeProfiles([py], { testPaths: ['.'] })[0]?.testDir).toBe('');
  });
});
