import type { LanguageProfile } from '../types.js';

/**
 * Where Python tests live and how they are named: pytest's collection rules (`test_*.py`,
 * `*_test.py`, `conftest.py`, `tests/` folders), TFactory's marker in generated names, and the
 * import line a generated test uses.
 */

const TEST_PATH = /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$/;
const TEST_DIR = /(^|\/)tests?\//;
const TEST_FILE_NAME = /^test_.*\.py$|_test\.py$/;

const normRoot = (root: string): string => (root === '.' || root === './' ? '' : root.replace(/\/+$/, ''));

/** Test modules, conftest.py and anything under a tests/ folder. */
export function isPythonTestPath(path: string): boolean {
  return TEST_PATH.test(path) || TEST_DIR.test(path);
}

/** .py code under test: not a test, not vendored or built. */
export function isPythonSourcePath(path: string): boolean {
  return /\.py$/.test(path) && !isPythonTestPath(path) && !/(^|\/)(node_modules|dist|build)\//.test(path);
}

/** `test_pricing.py`, `pricing_test.py` (a file name, no folder). */
export function isPythonTestFileName(name: string): boolean {
  return TEST_FILE_NAME.test(name);
}

export function isInPythonTestDir(path: string): boolean {
  return TEST_DIR.test(path);
}

/** `pricing` → `pricing_tfactory_1` (then `test_pricing_tfactory_1.py`). */
export function tagPythonModule(module: string, n: number): string {
  return `${module}_tfactory_${n}`;
}

export function defaultPythonTestFileName(tagged: string): string {
  return `test_${tagged}.py`;
}

/** The dotted module of a source file as the test imports it (project root, and src/ in a src layout, on sys.path). */
export function describePythonImport(profile: LanguageProfile, sourceFile: string): string {
  const root = normRoot(profile.root);
  let rel = root && sourceFile.startsWith(`${root}/`) ? sourceFile.slice(root.length + 1) : sourceFile;
  if (profile.layout === 'src' && rel.startsWith('src/')) rel = rel.slice(4);
  const mod = rel.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');
  return `import from the module \`${mod}\` (e.g. \`from ${mod} import <name>\`); the project root is on sys.path`;
}

/** pytest / unittest test function names of a file (`def test_…`). */
export function listPythonTestNames(content: string): string[] {
  return [...content.matchAll(/^\s*(?:async\s+)?def\s+(test\w*)\s*\(/gm)].map((m) => m[1] as string);
}

/** Source without `#` comments (for dedup). */
export function stripPythonComments(source: string): string {
  return source.replace(/^\s*#.*$/gm, '').replace(/\s+#[^'"\n]*$/gm, '');
}
