import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Real installs of test runners from the npm registry, for tests that grade a project with a runner
 * TFactory does not depend on itself (jest, older vitest: test/runners/runner-fixtures.ts lists them). Installed once per machine into
 * `~/.cache/tfactory-test/npm/<name>/node_modules` (TFACTORY_TEST_CACHE picks another folder) and
 * reused; an install that fails throws with npm's last lines (never a silent skip).
 */
export function installedPackages(name: string, packages: string[]): string {
  const root = join(process.env.TFACTORY_TEST_CACHE ?? join(homedir(), '.cache', 'tfactory-test'), 'npm', name);
  const modules = join(root, 'node_modules');
  if (existsSync(join(root, '.complete'))) return modules;
  const work = `${root}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'package.json'), `${JSON.stringify({ name: `tfactory-test-${name}`, version: '0.0.0', private: true })}\n`);
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error', ...packages], { cwd: work, stdio: 'pipe', timeout: 300_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`npm install ${packages.join(' ')} failed (is the npm registry reachable?): ${String(err.stderr ?? err.message).slice(-1500)}`, { cause: e });
  }
  writeFileSync(join(work, '.complete'), `${packages.join(' ')}\n`);
  // Another test file (another worker) finished the same install meanwhile and may be using it: keep theirs.
  if (existsSync(join(root, '.complete'))) {
    rmSync(work, { recursive: true, force: true });
    return modules;
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, '..'), { recursive: true });
  renameSync(work, root);
  return modules;
}
