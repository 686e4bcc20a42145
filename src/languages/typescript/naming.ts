import { posix } from 'node:path';
import type { LanguageProfile } from '../types.js';

/**
 * Where TS/JS tests live and how they are named: `*.test.*` / `*.spec.*` and `__tests__/`
 * (vitest's and jest's defaults), TFactory's marker in generated names, and the import specifier
 * a generated test uses.
 */

const TEST_FILE_NAME = /\.(test|spec)\.[cm]?[jt]sx?$/;
const TEST_DIR = /(^|\/)__tests__\//;

export function isTsTestPath(path: string): boolean {
  return TEST_FILE_NAME.test(path) || TEST_DIR.test(path);
}

/** TS/JS code under test: not a test, not a declaration file, not vendored or built. */
export function isTsSourcePath(path: string): boolean {
  return /\.[cm]?[jt]sx?$/.test(path) && !path.endsWith('.d.ts') && !isTsTestPath(path) && !/(^|\/)(node_modules|dist|build)\//.test(path);
}

/** `cart.test.ts`, `cart.spec.jsx` (a file name, no folder). */
export function isTsTestFileName(name: string): boolean {
  return TEST_FILE_NAME.test(name);
}

export function isInTsTestDir(path: string): boolean {
  return TEST_DIR.test(path);
}

/** `cart` → `cart.tfactory-1` (then `cart.tfactory-1.test.ts`). */
export function tagTsModule(module: string, n: number): string {
  return `${module}.tfactory-${n}`;
}

export function defaultTsTestFileName(profile: LanguageProfile, tagged: string): string {
  const ext = profile.language === 'typescript' ? 'ts' : 'js';
  return `${tagged}.test.${ext}`;
}

/** The relative specifier of the code under test, seen from the test file. */
export function describeTsImport(sourceFile: string, testPath: string): string {
  let spec = posix.relative(posix.dirname(testPath), sourceFile).replace(/\.(?:[cm]?ts|tsx)$/, '');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  return `import from \`${spec}\` (add the \`.js\` suffix only if the existing tests do: \`${spec}.js\`)`;
}

/** vitest / jest test titles of a file (`it('…')`, `test('…')`). */
export function listTsTestNames(content: string): string[] {
  return [...content.matchAll(/\b(?:it|test)\s*\(\s*(['"`])(.*?)\1/g)].map((m) => m[2] as string);
}

/** Source without block and line comments (for dedup; `://` in URLs is kept). */
export function stripTsComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}
