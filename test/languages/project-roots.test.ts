import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { declaresDependencies } from '../../src/languages/python/detect.js';
import { detectLanguages } from '../../src/languages/registry.js';

/** Issue 12 item 5: in a monorepo, the package a diff touches, its root, and what its dependencies install from. */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfactory-roots-'));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const pick = (p: { root: string; packageManager: string; lockfile?: string; files: string[] }): object => ({ root: p.root, packageManager: p.packageManager, lockfile: p.lockfile, files: p.files });

describe('monorepo project roots', () => {
  it('npm, pnpm and yarn workspaces: each touched package from its own package.json, installed from the workspace lockfile', async () => {
    for (const [lock, pm] of [['package-lock.json', 'npm'], ['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn']] as const) {
      const dir = tree({
        'package.json': '{"private":true,"workspaces":["packages/*"],"devDependencies":{"vitest":"4.1.12"}}',
        [lock]: '',
        ...(pm === 'pnpm' ? { 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n' } : {}),
        'packages/a/package.json': '{"name":"a"}',
        'packages/a/src/a.ts': 'export const a = 1;\n',
        'packages/b/package.json': '{"name":"b"}',
        'packages/b/src/deep/b.js': 'export const b = 2;\n',
      });
      const profiles = await detectLanguages(dir, ['packages/b/src/deep/b.js', 'packages/a/src/a.ts', 'README.md']);
      expect(profiles.map(pick)).toEqual([
        { root: 'packages/a', packageManager: pm, lockfile: lock, files: ['packages/a/src/a.ts'] },
        { root: 'packages/b', packageManager: pm, lockfile: lock, files: ['packages/b/src/deep/b.js'] },
      ]);
    }
  });

  it('a nested package with its own lockfile installs from its own', async () => {
    const dir = tree({
      'package.json': '{"private":true}',
      'package-lock.json': '{}',
      'tools/cli/package.json': '{"name":"cli","devDependencies":{"vitest":"4.1.12"}}',
      'tools/cli/pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'tools/cli/index.js': 'export {};\n',
    });
    expect((await detectLanguages(dir, ['tools/cli/index.js'])).map(pick)).toEqual([{ root: 'tools/cli', packageManager: 'pnpm', lockfile: 'tools/cli/pnpm-lock.yaml', files: ['tools/cli/index.js'] }]);
  });

  it('Python: nested pyproject.toml and setup.cfg roots; a uv workspace lockfile above; pyproject.toml or setup.cfg when it declares dependencies', async () => {
    const dir = tree({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
      'uv.lock': 'version = 1\n\n[[package]]\nname = "core"\nversion = "0.1.0"\nsource = { editable = "libs/core" }\n',
      'libs/core/pyproject.toml': '[project]\nname = "core"\ndependencies = ["attrs>=23"]\n',
      'libs/core/core/__init__.py': '',
      'libs/core/core/calc.py': 'def f():\n    return 1\n',
      'services/api/setup.cfg': '[metadata]\nname = api\n',
      'services/api/requirements.txt': 'six==1.16.0\n',
      'services/api/api/views.py': 'def v():\n    return 2\n',
      'tools/lint/pyproject.toml': '[project]\nname = "lint"\ndependencies = ["tfx-x"]\n',
      'tools/lint/lint.py': 'X = 1\n',
      'tools/plain/pyproject.toml': '[project]\nname = "plain"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'tools/plain/plain.py': 'Y = 1\n',
      'tools/legacy/setup.cfg': '[metadata]\nname = legacy\n\n[options]\ninstall_requires =\n    attrs\n',
      'tools/legacy/legacy.py': 'Z = 1\n',
    });
    const profiles = await detectLanguages(dir, ['libs/core/core/calc.py', 'services/api/api/views.py', 'tools/legacy/legacy.py', 'tools/lint/lint.py', 'tools/plain/plain.py']);
    expect(profiles.map(pick)).toEqual([
      { root: 'libs/core', packageManager: 'pip', lockfile: 'uv.lock', files: ['libs/core/core/calc.py'] },
      { root: 'services/api', packageManager: 'pip', lockfile: 'services/api/requirements.txt', files: ['services/api/api/views.py'] },
      { root: 'tools/legacy', packageManager: 'pip', lockfile: 'tools/legacy/setup.cfg', files: ['tools/legacy/legacy.py'] },
      { root: 'tools/lint', packageManager: 'pip', lockfile: 'tools/lint/pyproject.toml', files: ['tools/lint/lint.py'] },
      { root: 'tools/plain', packageManager: 'pip', lockfile: undefined, files: ['tools/plain/plain.py'] },
    ]);
  });

  it('tells a pyproject.toml that declares dependencies from one that only configures tools', () => {
    expect(declaresDependencies('[project]\nname = "x"\ndependencies = [\n  "attrs",\n]\n')).toBe(true);
    expect(declaresDependencies('[project]\nname = "x"\ndependencies = []\n')).toBe(false);
    expect(declaresDependencies('[project.optional-dependencies]\ntest = ["pytest"]\n')).toBe(true);
    expect(declaresDependencies('[tool.poetry.dependencies]\npython = "^3.9"\nrequests = "^2"\n')).toBe(true);
    expect(declaresDependencies('[tool.poetry.dependencies]\npython = "^3.9"\n\n[tool.black]\nline-length = 100\n')).toBe(false);
    expect(declaresDependencies('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')).toBe(false);
  });
});

describe('module-type scopes are not projects', () => {
  it('a package.json that only sets "type" (luxon\'s src/) belongs to the project above it; a named one is its own', async () => {
    const dir = tree({
      'package.json': '{"name":"lib","scripts":{"test":"jest"},"devDependencies":{"jest":"29.7.0"}}',
      'package-lock.json': '{}',
      'src/package.json': '{"type":"module","version":"3.4.3"}',
      'src/interval.js': 'export const x = 1;\n',
      'test/interval/many.test.js': 'test("x", () => {});\n',
      'tools/package.json': '{"name":"tools","type":"module"}',
      'tools/t.js': 'export const t = 1;\n',
    });
    const profiles = await detectLanguages(dir, ['src/interval.js', 'test/interval/many.test.js', 'tools/t.js']);
    expect(profiles.map((p) => ({ root: p.root, files: p.files }))).toEqual([
      { root: '', files: ['src/interval.js', 'test/interval/many.test.js'] },
      { root: 'tools', files: ['tools/t.js'] },
    ]);
  });
});
