import { posix } from 'node:path';
import { pluginForProfile } from '../../../languages/registry.js';
import type { LanguageProfile } from '../../../languages/types.js';
import { moduleStem, normRoot } from '../plan/workspace-files.js';

const PLACEHOLDER = /\{module\}|<module>|\$\{module\}|\{name\}|<name>/;

/**
 * File name of the n-th generated test for `module`, following the profile's pattern with a
 * TFactory marker: `test_pricing.py` → `test_pricing_tfactory_1.py`, `pricing.test.ts` →
 * `pricing.tfactory-1.test.ts`. The pattern may hold `{module}` (or `<module>`), or be an example
 * for the module itself; other shapes fall back to the language plug-in's default.
 */
export function renderTestFileName(profile: LanguageProfile, module: string, n: number): string {
  const plugin = pluginForProfile(profile);
  const tagged = plugin.tagModule(module, n);
  const pattern = profile.testFileNamePattern;
  if (PLACEHOLDER.test(pattern)) return pattern.replace(PLACEHOLDER, tagged);
  if (pattern.includes(module)) return pattern.replace(module, tagged);
  return plugin.defaultTestFileName(profile, tagged);
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
  return pluginForProfile(profile).describeImport(profile, sourceFile, testPath);
}
