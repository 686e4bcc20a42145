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

/** The runner for `projectDir`, or undefined when neither vitest nor jest can be found. */
export function selectRunner({ projectDir, supportDir, ioDir }) {
  const deps = declared(projectDir);
  const vitest = createVitestRunner({ projectDir, supportDir, ioDir });
  const jest = createJestRunner({ projectDir, supportDir, ioDir });
  const jestFirst = ('jest' in deps && !('vitest' in deps)) || existsSync(join(projectDir, 'jest.config.js')) && !('vitest' in deps);
  const order = jestFirst ? [jest, vitest] : [vitest, jest];
  return order.find((r) => r.available());
}
