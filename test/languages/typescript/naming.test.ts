import { describe, expect, it } from 'vitest';
import { typescriptPlugin } from '../../../src/languages/typescript/plugin.js';
import type { LanguageProfile } from '../../../src/languages/types.js';

const profile = (language: 'typescript' | 'javascript'): LanguageProfile => ({
  language, framework: 'vitest', packageManager: 'npm', root: '', testDir: 'test', layout: 'flat', testFileNamePattern: '{module}.test.ts', files: [],
});

describe('TypeScript/JavaScript plug-in: naming and classification', () => {
  it('tells tests (*.test.*, *.spec.*, __tests__/) from source (declarations and builds excluded)', () => {
    expect(['a.test.ts', 'a.spec.mjs', 'src/__tests__/a.ts'].map(typescriptPlugin.isTestPath)).toEqual([true, true, true]);
    expect(['src/a.ts', 'test/helpers.ts'].map(typescriptPlugin.isTestPath)).toEqual([false, false]);
    expect(['src/a.ts', 'src/a.jsx', 'src/a.d.ts', 'dist/a.js', 'node_modules/x/a.js', 'a.test.ts', 'a.py'].map(typescriptPlugin.isSourcePath)).toEqual([
      true, true, false, false, false, false, false,
    ]);
  });

  it('names generated tests with the TFactory marker and the profile language extension', () => {
    expect(typescriptPlugin.tagModule('cart', 1)).toBe('cart.tfactory-1');
    expect(typescriptPlugin.defaultTestFileName(profile('typescript'), 'cart.tfactory-1')).toBe('cart.tfactory-1.test.ts');
    expect(typescriptPlugin.defaultTestFileName(profile('javascript'), 'cart.tfactory-1')).toBe('cart.tfactory-1.test.js');
  });

  it('describes a relative import without the TS extension', () => {
    expect(typescriptPlugin.describeImport(profile('typescript'), 'src/cart.ts', 'test/cart.test.ts')).toContain('`../src/cart`');
    expect(typescriptPlugin.describeImport(profile('typescript'), 'src/cart.ts', 'src/cart.test.ts')).toContain('`./cart`');
  });

  it('lets a TypeScript project own JavaScript files, not the reverse', () => {
    expect(typescriptPlugin.servesLanguage('typescript', 'javascript')).toBe(true);
    expect(typescriptPlugin.servesLanguage('javascript', 'typescript')).toBe(false);
  });

  it('strips comments for dedup but keeps URLs', () => {
    expect(typescriptPlugin.stripComments("a(); // c\n/* b */ f('http://x')")).toBe("a(); \n f('http://x')");
  });

  it('resolves relative imports to the files that exist', () => {
    const files = new Set(['src/money.ts', 'src/tax/index.ts']);
    const content = "import { m } from './money.js';\nimport t from './tax';\nimport z from 'zod';\n";
    expect(typescriptPlugin.resolveProjectImports('src/cart.ts', content, profile('typescript'), (p) => files.has(p))).toEqual(['src/money.ts', 'src/tax/index.ts']);
  });
});
