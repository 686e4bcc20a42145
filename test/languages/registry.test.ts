import { describe, expect, it } from 'vitest';
import {
  describeLanguages, extractSymbols, fallbackLanguage, languageOfPath, LANGUAGE_PLUGINS, listTestNames, looksLikeTestPath, packageIndexNames,
  pluginFor, pluginForPath, pluginForProfile, profileForPath, readsSymbolsOf, runnerFor, sameFamily, vendorDirNames,
} from '../../src/languages/registry.js';
import type { LanguageProfile } from '../../src/languages/types.js';

const profile = (language: LanguageProfile['language'], root: string): LanguageProfile => ({
  language, framework: language === 'python' ? 'pytest' : 'vitest', packageManager: 'npm', root, testDir: 'tests', layout: 'flat', testFileNamePattern: '', files: [],
});

describe('language registry', () => {
  it('lists one plug-in per folder, each language owned by exactly one', () => {
    expect(LANGUAGE_PLUGINS.map((p) => p.id)).toEqual(['python', 'typescript']);
    const owned = LANGUAGE_PLUGINS.flatMap((p) => p.languages);
    expect(new Set(owned).size).toBe(owned.length);
    expect(LANGUAGE_PLUGINS.map((p) => p.displayName)).toEqual(['Python', 'TypeScript/JavaScript']);
  });

  it('finds the plug-in by language, profile and path', () => {
    expect(pluginFor('python').id).toBe('python');
    expect(pluginFor('javascript').id).toBe('typescript');
    expect(pluginForProfile(profile('typescript', '')).id).toBe('typescript');
    expect(pluginForPath('src/shop/pricing.py')?.id).toBe('python');
    expect(pluginForPath('web/app.tsx')?.id).toBe('typescript');
    expect(pluginForPath('README.md')).toBeUndefined();
  });

  it('maps extensions to languages (case as written)', () => {
    expect(['a.py', 'a.ts', 'a.mts', 'a.cts', 'a.tsx', 'a.js', 'a.jsx', 'a.mjs', 'a.cjs', 'a.PY', 'Makefile'].map(languageOfPath)).toEqual([
      'python', 'typescript', 'typescript', 'typescript', 'typescript', 'javascript', 'javascript', 'javascript', 'javascript', undefined, undefined,
    ]);
  });

  it('groups languages into families and runners', () => {
    expect(sameFamily('typescript', 'javascript')).toBe(true);
    expect(sameFamily('python', 'javascript')).toBe(false);
    expect(runnerFor('python')).toBe('python');
    expect(runnerFor('javascript')).toBe('node');
    expect(fallbackLanguage()).toBe('python');
  });

  it('reads symbols only of the files a plug-in owns (declarations excluded)', () => {
    expect(readsSymbolsOf('a.py')).toBe(true);
    expect(readsSymbolsOf('stubs/a.pyi')).toBe(true);
    expect(readsSymbolsOf('src/a.ts')).toBe(true);
    expect(readsSymbolsOf('types/a.d.ts')).toBe(false);
    expect(readsSymbolsOf('a.go')).toBe(false);
    expect(extractSymbols('a.py', 'def f(x):\n    return x\n')?.map((s) => s.qualifiedName)).toEqual(['f']);
    expect(extractSymbols('a.ts', 'export function g(): number { return 1; }\n')?.map((s) => s.qualifiedName)).toEqual(['g']);
    expect(extractSymbols('a.rb', 'def f; end')).toBeUndefined();
  });

  it('recognises test files of any language by name or folder', () => {
    expect(['tests/helpers.json', 'pkg/test_cart.py', 'pkg/cart_test.py', 'src/cart.spec.tsx', 'src/__tests__/x.ts', 'test/x.ts'].map(looksLikeTestPath)).toEqual([true, true, true, true, true, true]);
    expect(['src/cart.py', 'src/testing.ts', 'conftest.py', 'src/contest/x.py'].map(looksLikeTestPath)).toEqual([false, false, false, false]);
  });

  it('lists test names by every convention, Python first', () => {
    expect(listTestNames("def test_a():\n    pass\nit('b', () => {})\nasync def test_c(): ...\n")).toEqual(['test_a', 'test_c', 'b']);
  });

  it('collects vendored folders, package index names and language names', () => {
    expect([...vendorDirNames()].sort()).toEqual(['.pytest_cache', '__pycache__', 'node_modules']);
    expect([...packageIndexNames()].sort()).toEqual(['__init__', 'index']);
    expect(describeLanguages()).toBe('Python, TypeScript or JavaScript');
  });

  it('gives a file the deepest profile root of its family', () => {
    const profiles = [profile('python', ''), profile('typescript', 'web'), profile('typescript', 'web/admin'), profile('javascript', '')];
    expect(profileForPath(profiles, 'javascript', 'web/admin/x.js')?.root).toBe('web/admin');
    expect(profileForPath(profiles, 'typescript', 'web/x.ts')?.root).toBe('web');
    expect(profileForPath(profiles, 'python', 'web/tool.py')).toBe(profiles[0]);
    expect(profileForPath([profile('python', 'svc')], 'typescript', 'svc/x.ts')).toBeUndefined();
  });
});
