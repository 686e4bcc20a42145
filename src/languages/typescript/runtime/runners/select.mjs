// Which test runner a project uses: node:test when its test script runs it (and it declares no other),
// else vitest unless the project declares jest without vitest.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestRunner } from './jest.mjs';
import { createNodeTestRunner } from './node-test.mjs';
import { createVitestRunner } from './vitest.mjs';

function manifest(projectDir) {
  try {
    const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
    return pkg && typeof pkg === 'object' ? pkg : {};
  } catch {
    return {};
  }
}

function declared(projectDir) {
  const pkg = manifest(projectDir);
  return { ...(pkg.dependencies ?? {}), ...(pkg.devDependencies ?? {}) };
}

const SUPPORTED = 'the grader runs vitest 1–4, jest 29–30 and node:test';
const OTHER_RUNNERS = ['mocha', 'ava', 'tap', 'jasmine', 'uvu', 'karma', 'playwright'];

/** Why no runner was found for `projectDir` (`label`: how the report names it), in plain words. */
export function explainNoRunner(projectDir, label) {
  const pkg = manifest(projectDir);
  const deps = declared(projectDir);
  const script = typeof pkg.scripts?.test === 'string' ? pkg.scripts.test : '';
  const manifestPath = label === '.' ? 'package.json' : `${label}/package.json`;
  const other = OTHER_RUNNERS.find((n) => new RegExp(`\\b${n}\\b`).test(script) || n in deps || `@${n}/test` in deps);
  if (other && !('vitest' in deps) && !('jest' in deps)) return `${other} is not supported (${manifestPath} tests with it): ${SUPPORTED}`;
  const wanted = ['vitest', 'jest'].filter((n) => n in deps);
  if (wanted.length > 0) return `${wanted.join(' and ')} ${wanted.length > 1 ? 'are' : 'is'} declared in ${manifestPath} but not installed: node_modules missing? (install the project's dependencies)`;
  return `no test runner (vitest or jest) found from ${label}: node_modules missing?`;
}

/**
 * The runner for `projectDir`: node:test when the test script runs `node --test` and the project
 * declares neither vitest nor jest, else vitest or jest as installed; undefined when none applies. A supported
 * install is preferred; an installed runner of a version the grader cannot read is still returned,
 * and its `unsupported()` says why in plain words (engine.mjs reports it instead of running it).
 */
export function selectRunner({ projectDir, supportDir, ioDir }) {
  const deps = declared(projectDir);
  const vitest = createVitestRunner({ projectDir, supportDir, ioDir });
  const jest = createJestRunner({ projectDir, supportDir, ioDir });
  const jestFirst = ('jest' in deps && !('vitest' in deps)) || existsSync(join(projectDir, 'jest.config.js')) && !('vitest' in deps);
  const order = jestFirst ? [jest, vitest] : [vitest, jest];
  // node's own test runner when the test script runs it and the project declares neither vitest nor jest
  // (one installed further up, or lent by a tool, is not the project's runner)
  const nodeTest = createNodeTestRunner({ projectDir, supportDir, ioDir });
  if (nodeTest.available() && !('vitest' in deps) && !('jest' in deps)) return nodeTest;
  const installed = order.filter((r) => r.available());
  const found = installed.find((r) => !r.unsupported()) ?? installed[0];
  return found ?? (nodeTest.available() ? nodeTest : undefined);
}
