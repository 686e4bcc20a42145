import { posix } from 'node:path';
import type { LanguageProfile } from '../../../languages/types.js';
import { moduleStem, normRoot } from '../plan/workspace-files.js';

const PLACEHOLDER = /\{module\}|<module>|\$\{module\}|\{name\}|<name>/;

/**
 * File name of the n-th generated test for `module`, following the profile's pattern with a
 * TFactory marker: `test_pricing.py` → `test_pricing_tfactory_1.py`, `pricing.test.ts` →
 * `pricing.tfactory-1.test.ts`. The pattern may hold `{module}` (or `<module>`), or be an example
 * for the module itself; other shapes fall back to the language default.
 */
export function renderTestFileName(profile: LanguageProfile, module: string, n: number): string {
  const tagged = profile.language === 'python' ? `${module}_tfactory_${n}` : `${module}.tfactory-${n}`;
  const pattern = profile.testFileNamePattern;
  if (PLACEHOLDER.test(pattern)) return pattern.replace(PLACEHOLDER, tagged);
  if (pattern.includes(module)) return pattern.replace(module, tagged);
  if (profile.language === 'python') return `test_${tagged}.py`;
  const ext = profile.language === 'typescript' ? 'ts' : 'js';
  return `${tagged}.test.${ext}`;
}

/** A repo-relative test path in the profile's test folder that no file and no earlier candidate uses. */
export function chooseTestPath(profile: LanguageProfile, sourceFile: string, taken: (path: string) => boolean): string {
  const module = moduleStem(sourceFile);
  const dir = normRoot(profile.testDir) || normRoot(profile.root);
  for (let n = 1; ; n++) {
    const path = posix.join(dir, renderTestFileName(profile, module, n));
    if (!taken(path)) return path;
  }
}

/** How the test imports the code under test, told to the model. */
export function describeImport(profile: LanguageProfile, sourceFile: string, testPath: string): string {
  if (profile.language === 'python') {
    const root = normRoot(profile.root);
    let rel = root && sourceFile.startsWith(`${root}/`) ? sourceFile.slice(root.length + 1) : sourceFile;
    if (profile.layout === 'src' && rel.startsWith('src/')) rel = rel.slice(4);
    const mod = rel.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');
    return `import from the module \`${mod}\` (e.g. \`from ${mod} import <name>\`); the project root is on sys.path`;
  }
  let spec = posix.relative(posix.dirname(testPath), sourceFile).replace(/\.(?:[cm]?ts|tsx)$/, '');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  return `import from \`${spec}\` (add the \`.js\` suffix only if the existing tests do: \`${spec}.js\`)`;
}
