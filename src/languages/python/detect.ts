import { posix } from 'node:path';
import type { ProjectFs } from '../project-fs.js';
import type { LanguageProfile, TestFramework } from '../types.js';

const ROOT_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'pytest.ini', 'tox.ini'];
const LOCKFILES = ['uv.lock', 'poetry.lock', 'Pipfile.lock', 'requirements.txt', 'requirements-dev.txt'];
const REQUIREMENT_FILES = ['requirements.txt', 'requirements-dev.txt', 'requirements-test.txt', 'dev-requirements.txt', 'test-requirements.txt', 'Pipfile'];
const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test)\.py$/;

const at = (root: string, p: string): string => (root ? posix.join(root, p) : p);

export function isPythonSource(path: string): boolean {
  return /\.py$/i.test(path);
}

/** pytest named in the project's configuration or requirements. */
async function readPytestConfig(fs: ProjectFs, root: string): Promise<boolean> {
  if ((await fs.isFile(at(root, 'pytest.ini'))) || (await fs.isFile(at(root, 'conftest.py')))) return true;
  const checks: Array<[string, RegExp]> = [
    ['pyproject.toml', /\[tool\.pytest|["'\s]pytest\b/],
    ['setup.cfg', /\[tool:pytest\]|\bpytest\b/],
    ['tox.ini', /\[pytest\]|\bpytest\b/],
    ...REQUIREMENT_FILES.map((f): [string, RegExp] => [f, /^\s*pytest\b/m]),
  ];
  for (const [file, re] of checks) {
    const text = await fs.read(at(root, file));
    if (text !== undefined && re.test(text)) return true;
  }
  return false;
}

/** Style of the existing tests: pytest (plain test functions, `import pytest`) or unittest.TestCase only. */
async function readTestStyle(fs: ProjectFs, testFiles: string[]): Promise<{ pytest: boolean; unittest: boolean }> {
  let pytest = false;
  let unittest = false;
  for (const f of testFiles.slice(0, 30)) {
    const text = (await fs.read(f)) ?? '';
    if (/^\s*(import pytest|from pytest\b)|^def test_|^async def test_/m.test(text)) pytest = true;
    if (/unittest\.TestCase|\(\s*TestCase\s*\)|^from unittest import/m.test(text)) unittest = true;
  }
  return { pytest, unittest };
}

async function findTestDir(fs: ProjectFs, root: string, files: string[], testFiles: string[]): Promise<string> {
  for (const d of ['tests', 'test']) if (await fs.isDir(at(root, d))) return at(root, d);
  // Tests kept alongside the code: the folder of a changed file that has a test beside it.
  for (const f of files) {
    const folder = posix.dirname(f);
    if (testFiles.some((t) => posix.dirname(t) === folder)) return folder === '.' ? '' : folder;
  }
  const firstTestFolder = testFiles[0] ? posix.dirname(testFiles[0]) : undefined;
  return firstTestFolder && firstTestFolder !== '.' ? firstTestFolder : at(root, 'tests');
}

/** A pyproject.toml that declares dependencies (PEP 621, PEP 735 groups, Poetry), not just tool settings. */
export function declaresDependencies(pyproject: string): boolean {
  return /^\s*dependencies\s*=\s*\[\s*["']/m.test(pyproject)
    || /^\[(project\.optional-dependencies|dependency-groups)\]\s*$/m.test(pyproject)
    || /^\[tool\.poetry\.(dev-)?dependencies\][ \t]*\n(\s*#.*\n|\s*python\s*=.*\n)*\s*(?!python\s*=)[A-Za-z0-9_.-]+\s*=/m.test(pyproject)
    || /^\[tool\.poetry\.group\.[\w-]+\.dependencies\]/m.test(pyproject);
}

/**
 * The file the prepare step installs from: a lockfile or requirements file at the project root, the
 * uv.lock of a uv workspace the project is a member of, else the project's pyproject.toml or
 * setup.cfg when it declares dependencies. Undefined: nothing to install (the runner image's packages are used).
 */
async function findDependencyFile(fs: ProjectFs, root: string): Promise<string | undefined> {
  for (const l of LOCKFILES) if (await fs.isFile(at(root, l))) return at(root, l);
  // A uv workspace locks its members together at its root; the lock names each member's folder.
  for (let dir = root; dir !== ''; ) {
    dir = posix.dirname(dir) === '.' ? '' : posix.dirname(dir);
    const lock = await fs.read(at(dir, 'uv.lock'));
    const member = dir ? posix.relative(dir, root) : root;
    if (lock?.includes(`= "${member}" }`)) return at(dir, 'uv.lock');
  }
  const pyproject = at(root, 'pyproject.toml');
  if (declaresDependencies((await fs.read(pyproject)) ?? '')) return pyproject;
  const setupCfg = at(root, 'setup.cfg');
  return /^\s*install_requires\s*=\s*\S|^\[options\.extras_require\]/m.test((await fs.read(setupCfg)) ?? '') ? setupCfg : undefined;
}

async function buildProfile(fs: ProjectFs, root: string, files: string[]): Promise<LanguageProfile> {
  const all = await fs.walk(root, { maxDepth: 5 });
  const testFiles = all.filter((f) => TEST_FILE.test(f));
  const configured = await readPytestConfig(fs, root);
  const style = await readTestStyle(fs, testFiles);
  const framework: TestFramework = configured || style.pytest || !style.unittest ? 'pytest' : 'unittest';
  const srcDir = at(root, 'src');
  const testsImportSrc = await Promise.all(testFiles.slice(0, 30).map(async (f) => /^\s*(from|import)\s+src\./m.test((await fs.read(f)) ?? '')));
  const srcLayout = (await fs.isDir(srcDir)) && !(await fs.isFile(posix.join(srcDir, '__init__.py'))) && !testsImportSrc.some(Boolean);
  const suffixStyle = testFiles.filter((f) => /_test\.py$/.test(f)).length > testFiles.filter((f) => /(^|\/)test_[^/]*\.py$/.test(f)).length;
  const lockfile = await findDependencyFile(fs, root);
  const hasManifest = lockfile !== undefined || (await Promise.all(['pyproject.toml', 'setup.py', 'setup.cfg'].map((m) => fs.isFile(at(root, m))))).some(Boolean);
  return {
    language: 'python',
    framework,
    packageManager: hasManifest ? 'pip' : 'none',
    root,
    testDir: await findTestDir(fs, root, files, testFiles),
    layout: srcLayout ? 'src' : 'flat',
    testFileNamePattern: suffixStyle ? '{module}_test.py' : 'test_{module}.py',
    ...(lockfile ? { lockfile } : {}),
    files,
  };
}

/** Python profiles for the changed .py files, one per project root (nearest pyproject.toml & co.). */
export async function detectPythonProfiles(fs: ProjectFs, changedPaths: string[]): Promise<LanguageProfile[]> {
  const byRoot = new Map<string, string[]>();
  for (const p of changedPaths.filter(isPythonSource)) {
    const root = (await fs.nearestWith(p, ROOT_MARKERS)) ?? '';
    byRoot.set(root, [...(byRoot.get(root) ?? []), p]);
  }
  const out: LanguageProfile[] = [];
  for (const [root, files] of [...byRoot].sort(([a], [b]) => a.localeCompare(b))) out.push(await buildProfile(fs, root, files));
  return out;
}
