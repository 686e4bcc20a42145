// Which test runner a project uses: vitest unless the project declares jest without vitest.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestRunner } from './jest.mjs';
import { createVitestRunner } from './vitest.mjs';

function declared(projectDir) {
  try {
    const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
    return { ...(pkg.dependencies ?? {}), ...(pkg.devDependencies ?? {}) };
  } catch {
    return {};
  }
}

/**
 * The runner for `projectDir`, or undefined when neither vitest nor jest can be found. A supported
 * install is preferred; an installed runner of a version the grader cannot read is still returned,
 * and its `unsupported()` says why in plain words (engine.mjs reports it instead of running it).
 */
export function selectRunner({ projectDir, supportDir, ioDir }) {
  const deps = declared(projectDir);
  const vitest = createVitestRunner({ projectDir, supportDir, ioDir });
  const jest = createJestRunner({ projectDir, supportDir, ioDir });
  const jestFirst = ('jest' in deps && !('vitest' in deps)) || existsSync(join(projectDir, 'jest.config.js')) && !('vitest' in deps);
  const order = jestFirst ? [jest, vitest] : [vitest, jest];
  const installed = order.filter((r) => r.available());
  return installed.find((r) => !r.unsupported()) ?? installed[0];
}
