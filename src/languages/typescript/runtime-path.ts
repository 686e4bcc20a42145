import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../version.js';

/**
 * Folder of the TS/JS grader (plain ESM, no build step), to mount read-only into the
 * node runner and run as `node <dir>/evaluate.mjs --input …`. The .mjs files live under src/ and
 * are not compiled, so the same folder serves both `src` (vitest) and `dist` (built) runs.
 */
export function tsRuntimeDir(): string {
  return join(PACKAGE_ROOT, 'src', 'languages', 'typescript', 'runtime');
}

/** The grader's entry file inside tsRuntimeDir(). */
export function tsRuntimeEntry(): string {
  return join(tsRuntimeDir(), 'evaluate.mjs');
}
