import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLanguages } from '../../src/languages/registry.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfactory-detect-'));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe('detectLanguages: Python', () => {
  it('flat layout, pytest configured in pyproject, tests/ folder, requirements lockfile', async () => {
    const dir = tree({
      'pyproject.toml': '[project]\nname = "shop"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'requirements.txt': 'requests==2.0\n',
      'shop/__init__.py': '',
      'shop/pricing.py': 'def f():\n    return 1\n',
      'tests/test_pricing.py': 'from shop.pricing import f\n\ndef test_f():\n    assert f() == 1\n',
      'README.md': '# x\n',
    });
    expect(await detectLanguages(dir, ['shop/pricing.py', 'README.md'])).toEqual([{
      language: 'python', framework: 'pytest', packageManager: 'pip', root: '', testDir: 'tests', layout: 'flat',
      testFileNamePattern: 'test_{module}.py', lockfile: 'requirements.txt', files: ['shop/pricing.py'],
    }]);
  });

  it('src layout with only unittest.TestCase tests under test/', async () => {
    const dir = tree({
      'setup.cfg': '[metadata]\nname = shop\n',
      'src/shop/__init__.py': '',
      'src/shop/pricing.py': 'def f():\n    return 1\n',
      'test/test_pricing.py': 'import unittest\nfrom shop.pricing import f\n\nclass TestF(unittest.TestCase):\n    def test_f(self):\n        self.assertEqual(f(), 1)\n',
    });
    const [profile] = await detectLanguages(dir, ['src/shop/pricing.py']);
    expect(profile).toMatchObject({ framework: 'unittest', layout: 'src', testDir: 'test', packageManager: 'pip', root: '' });
    expect(profile?.lockfile).toBeUndefined();
  });

  it('tests kept alongside the code with a _test.py suffix, and pytest style without config', async () => {
    const dir = tree({
      'app/pricing.py': 'def f():\n    return 1\n',
      'app/pricing_test.py': 'import pytest\n\ndef test_f():\n    assert True\n',
    });
    const [profile] = await detectLanguages(dir, ['app/pricing.py']);
    expect(profile).toMatchObject({ framework: 'pytest', testDir: 'app', testFileNamePattern: '{module}_test.py', packageManager: 'none', layout: 'flat' });
  });
});

describe('detectLanguages: TypeScript / JavaScript', () => {
  it('vitest from devDependencies, pnpm from its lockfile, test/ folder', async () => {
    const dir = tree({
      'package.json': JSON.stringify({ name: 'web', devDependencies: { vitest: '^4.0.0', typescript: '^5' }, scripts: { test: 'vitest run' } }),
      'pnpm-lock.yaml': 'lockfileVersion: 9\n',
      'src/cart.ts': 'export const a = 1;\n',
      'test/cart.test.ts': '',
      'vitest.config.ts': 'export default {};\n',
      'src/types.d.ts': 'export {};\n',
    });
    expect(await detectLanguages(dir, ['src/cart.ts', 'vitest.config.ts', 'src/types.d.ts'])).toEqual([{
      language: 'typescript', framework: 'vitest', packageManager: 'pnpm', root: '', testDir: 'test', layout: 'flat',
      testFileNamePattern: '{module}.test.ts', lockfile: 'pnpm-lock.yaml', files: ['src/cart.ts'],
    }]);
  });

  it('jest from the "jest" key, yarn, JavaScript with .spec.js files beside the code', async () => {
    const dir = tree({
      'package.json': JSON.stringify({ name: 'lib', jest: { testEnvironment: 'node' }, scripts: { test: 'jest' } }),
      'yarn.lock': '# yarn\n',
      'lib/add.js': 'exports.add = (a, b) => a + b;\n',
      'lib/add.spec.js': '',
    });
    const profiles = await detectLanguages(dir, ['lib/add.js']);
    expect(profiles).toEqual([expect.objectContaining({ language: 'javascript', framework: 'jest', packageManager: 'yarn', lockfile: 'yarn.lock', testDir: 'lib', testFileNamePattern: '{module}.spec.js' })]);
  });

  it('node:test when the test script runs `node --test` and no vitest or jest is named; vitest when it is', async () => {
    const dir = tree({
      'package.json': JSON.stringify({ name: 'plain', type: 'module', scripts: { test: 'node --test test/' } }),
      'src/add.js': 'export const add = (a, b) => a + b;\n',
    });
    expect(await detectLanguages(dir, ['src/add.js'])).toEqual([expect.objectContaining({ language: 'javascript', framework: 'node:test', testDir: 'test' })]);
    const both = tree({
      'package.json': JSON.stringify({ name: 'mixed', scripts: { test: 'node --test && vitest run' }, devDependencies: { vitest: '^3.2.0' } }),
      'src/add.js': 'export const add = (a, b) => a + b;\n',
    });
    expect(await detectLanguages(both, ['src/add.js'])).toEqual([expect.objectContaining({ framework: 'vitest' })]);
  });

  it('jest from a config file when package.json names nothing, npm by default', async () => {
    const dir = tree({
      'package.json': JSON.stringify({ name: 'x' }),
      'jest.config.js': 'module.exports = {};\n',
      'index.ts': 'export {};\n',
    });
    const [profile] = await detectLanguages(dir, ['index.ts']);
    expect(profile).toMatchObject({ framework: 'jest', packageManager: 'npm', testDir: 'test' });
    expect(profile?.lockfile).toBeUndefined();
  });
});

describe('detectLanguages: a mixed monorepo PR', () => {
  it('gives one profile per language and project root (nearest manifest), inheriting the root lockfile', async () => {
    const dir = tree({
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'], devDependencies: { jest: '^29' } }),
      'package-lock.json': '{}',
      'packages/web/package.json': JSON.stringify({ name: 'web', devDependencies: { vitest: '^4' } }),
      'packages/web/src/cart.ts': 'export const a = 1;\n',
      'packages/web/src/__tests__/cart.test.ts': '',
      'packages/ui/package.json': JSON.stringify({ name: 'ui' }),
      'packages/ui/button.tsx': 'export const B = 1;\n',
      'packages/api/pyproject.toml': '[project]\nname = "api"\ndependencies = []\n[project.optional-dependencies]\ndev = ["pytest>=8"]\n',
      'packages/api/api/pricing.py': 'def f():\n    return 1\n',
    });
    const profiles = await detectLanguages(dir, ['packages/web/src/cart.ts', 'packages/api/api/pricing.py', 'packages/ui/button.tsx']);
    expect(profiles.map((p) => [p.language, p.root, p.framework, p.packageManager, p.lockfile, p.testDir, p.files])).toEqual([
      ['python', 'packages/api', 'pytest', 'pip', 'packages/api/pyproject.toml', 'packages/api/tests', ['packages/api/api/pricing.py']],
      ['typescript', 'packages/ui', 'jest', 'npm', 'package-lock.json', 'packages/ui/test', ['packages/ui/button.tsx']],
      ['typescript', 'packages/web', 'vitest', 'npm', 'package-lock.json', 'packages/web/src/__tests__', ['packages/web/src/cart.ts']],
    ]);
  });
});
