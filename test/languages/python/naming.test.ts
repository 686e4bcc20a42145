import { describe, expect, it } from 'vitest';
import { pythonPlugin } from '../../../src/languages/python/plugin.js';
import type { LanguageProfile } from '../../../src/languages/types.js';

const profile: LanguageProfile = { language: 'python', framework: 'pytest', packageManager: 'pip', root: 'svc', testDir: 'svc/tests', layout: 'src', testFileNamePattern: 'test_{module}.py', files: [] };

describe('Python plug-in: naming and classification', () => {
  it('tells tests (pytest collection rules, tests/ folders, conftest) from source', () => {
    expect(['test_cart.py', 'pkg/cart_test.py', 'conftest.py', 'tests/helpers.py', 'pkg/test/util.py'].map(pythonPlugin.isTestPath)).toEqual([true, true, true, true, true]);
    expect(['pkg/cart.py', 'pkg/testing.py', 'pkg/contest.py'].map(pythonPlugin.isTestPath)).toEqual([false, false, false]);
    expect(['pkg/cart.py', 'tests/test_cart.py', 'build/lib/cart.py', 'pkg/cart.ts'].map(pythonPlugin.isSourcePath)).toEqual([true, false, false, false]);
    expect(pythonPlugin.isTestFileName('conftest.py')).toBe(false);
  });

  it('names generated tests with the TFactory marker', () => {
    expect(pythonPlugin.tagModule('pricing', 2)).toBe('pricing_tfactory_2');
    expect(pythonPlugin.defaultTestFileName(profile, 'pricing_tfactory_2')).toBe('test_pricing_tfactory_2.py');
  });

  it('describes the import from the project root, src layout and packages unwrapped', () => {
    expect(pythonPlugin.describeImport(profile, 'svc/src/shop/pricing.py', 'svc/tests/test_x.py')).toContain('`shop.pricing`');
    expect(pythonPlugin.describeImport(profile, 'svc/src/shop/__init__.py', 'svc/tests/test_x.py')).toContain('`from shop import <name>`');
  });

  it('strips comments for dedup but keeps # inside strings', () => {
    expect(pythonPlugin.stripComments("# head\nx = '#1'  # note\n")).toBe("\nx = '#1'\n");
  });

  it('resolves project imports through the one import reader (multi-line, relative, not in strings)', () => {
    const files = new Set(['svc/src/shop/money.py', 'svc/src/shop/tax/__init__.py', 'svc/src/shop/tax/rates.py', 'svc/src/shop/util.py']);
    const content = 'from shop.money import (\n    Money,\n)\nfrom .tax import rates\nimport shop.util\n"""\nimport shop.nothing\n"""\n';
    expect(pythonPlugin.resolveProjectImports('svc/src/shop/pricing.py', content, profile, (p) => files.has(p)).sort()).toEqual([
      'svc/src/shop/money.py', 'svc/src/shop/tax/__init__.py', 'svc/src/shop/tax/rates.py', 'svc/src/shop/util.py',
    ]);
  });
});
