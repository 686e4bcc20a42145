import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, expandTestArgs, globToRegExp, spreadFlagValues, testPathCandidates } from '../../src/cli/test-paths.js';

describe('--tests values (src/cli/test-paths.ts)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tf-test-paths-'));
  for (const f of ['tests/test_a.py', 'tests/test_b.py', 'tests/unit/test_c.py', 'tests/helper.py', 'node_modules/x/test_z.py', 'src/a.test.ts']) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('spreads `--tests a b c` into one flag per value, up to the next option', () => {
    expect(spreadFlagValues(['evaluate', '--tests', 'a', 'b', 'c', '--base', 'main'], '--tests')).toEqual(['evaluate', '--tests', 'a', '--tests', 'b', '--tests', 'c', '--base', 'main']);
    expect(spreadFlagValues(['--tests', 'a', '--tests', 'b'], '--tests')).toEqual(['--tests', 'a', '--tests', 'b']);
    expect(spreadFlagValues(['--tests=a', 'b'], '--tests')).toEqual(['--tests=a', 'b']);
    // a value that looks like an option right after the flag is still its value (parseArgs decides)
    expect(spreadFlagValues(['--tests', '-weird.py', 'x'], '--tests')).toEqual(['--tests', '-weird.py', '--tests', 'x']);
  });

  it('matches globs the usual way: * and ? within a folder, ** across folders, [..] classes', () => {
    expect(globToRegExp('tests/test_*.py').test('tests/test_a.py')).toBe(true);
    expect(globToRegExp('tests/test_*.py').test('tests/unit/test_c.py')).toBe(false);
    expect(globToRegExp('tests/**/test_*.py').test('tests/unit/test_c.py')).toBe(true);
    expect(globToRegExp('tests/**/test_*.py').test('tests/test_a.py')).toBe(true);
    expect(globToRegExp('tests/test_[ab].py').test('tests/test_b.py')).toBe(true);
    expect(globToRegExp('tests/test_[!ab].py').test('tests/test_b.py')).toBe(false);
    expect(globToRegExp('a.b?').test('axbc')).toBe(false);
  });

  it('expands a glob from a folder, leaving node_modules out', async () => {
    expect((await expandGlob('**/test_*.py', root)).map((p) => p.slice(root.length + 1))).toEqual(['tests/test_a.py', 'tests/test_b.py', 'tests/unit/test_c.py']);
  });

  it('looks a pattern up from the current folder, then the repository; one matching nothing is a usage error', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tf-cwd-'));
    try {
      expect((await expandTestArgs(['tests/test_*.py', 'plain.py'], elsewhere, root)).map((p) => p.replace(`${root}/`, ''))).toEqual(['tests/test_a.py', 'tests/test_b.py', 'plain.py']);
      await expect(expandTestArgs(['tests/nothing_*.py'], elsewhere, root)).rejects.toMatchObject({ code: 'USAGE', message: 'no file matches --tests tests/nothing_*.py' });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('reads a relative path from the current folder first, then from the repository root', () => {
    expect(testPathCandidates('tests/test_a.py', '/somewhere', root)).toEqual(['/somewhere/tests/test_a.py', join(root, 'tests/test_a.py')]);
    expect(testPathCandidates('/abs/test.py', '/somewhere', root)).toEqual(['/abs/test.py']);
    expect(testPathCandidates('tests/test_a.py', root, root)).toEqual([join(root, 'tests/test_a.py')]);
  });
});
