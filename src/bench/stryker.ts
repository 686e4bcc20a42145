/**
 * Stryker for bench:mutation: @stryker-mutator/core and its vitest runner (pinned below), with the
 * vitest and typescript TFactory runs (Stryker reads the project's tsconfig with it), installed
 * once per machine into a folder under the system temp directory (from the npm registry, with
 * npm), then run on a copy of a TS fixture's head tree with only the
 * given test files and the changed line ranges to mutate.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './naive-mutants.js';

export const STRYKER_VERSION = '9.6.1';

function versionOf(pkg: string): string {
  return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
}

function vitestVersion(): string {
  return versionOf('vitest');
}

/** The folder holding Stryker's node_modules (installed on first use). */
export async function installStryker(log: (line: string) => void): Promise<string> {
  const dir = join(tmpdir(), `tfactory-bench-stryker-${STRYKER_VERSION}-vitest-${vitestVersion()}`);
  const wanted = ['@stryker-mutator/core', '@stryker-mutator/vitest-runner', 'vitest', 'typescript'];
  if (wanted.every((p) => existsSync(join(dir, 'node_modules', p, 'package.json')))) return dir;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ private: true, name: 'tfactory-bench-stryker' }));
  log(`installing Stryker ${STRYKER_VERSION} and vitest ${vitestVersion()} into ${dir} (npm registry) …`);
  const pkgs = [`@stryker-mutator/core@${STRYKER_VERSION}`, `@stryker-mutator/vitest-runner@${STRYKER_VERSION}`, `vitest@${vitestVersion()}`, `typescript@${versionOf('typescript')}`];
  const r = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...pkgs], dir, 600_000);
  if (r.code !== 0) throw new Error(`npm install of Stryker failed (exit ${String(r.code)}): ${r.output.slice(-600)}\nCheck that the npm registry is reachable, then run the bench again.`);
  return dir;
}

export interface StrykerResult {
  mutants: number;
  killed: number;
  seconds: number;
  statuses: Record<string, number>;
}

/**
 * Runs `stryker run` in `projectDir` (a copy of the head tree with the test files in place):
 * mutate = the changed ranges (`file:start-end`), tests = `testFiles`. Counts the mutants it
 * ran (every status but Ignored, CompileError and NoCoverage) from its JSON report.
 */
export async function runStryker(installDir: string, projectDir: string, mutate: string[], testFiles: string[]): Promise<StrykerResult> {
  await symlink(join(installDir, 'node_modules'), join(projectDir, 'node_modules'));
  await writeFile(join(projectDir, 'vitest.config.mjs'), `export default { test: { include: ${JSON.stringify(testFiles)} } };\n`);
  const report = join(projectDir, 'stryker-report.json');
  await writeFile(join(projectDir, 'stryker.config.json'), JSON.stringify({
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: 'vitest.config.mjs', related: false },
    mutate,
    coverageAnalysis: 'perTest',
    reporters: ['json'],
    jsonReporter: { fileName: report },
    checkers: [],
    disableTypeChecks: true,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  }, null, 1));
  const t0 = performance.now();
  const r = await runCommand(process.execPath, [join(installDir, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', 'stryker.config.json'], projectDir, 900_000);
  const seconds = (performance.now() - t0) / 1000;
  if (r.code !== 0 || !existsSync(report)) throw new Error(`stryker run failed (exit ${String(r.code)}): ${r.output.slice(-1200)}`);
  const parsed = JSON.parse(await readFile(report, 'utf8')) as { files: Record<string, { mutants: Array<{ status: string }> }> };
  const statuses: Record<string, number> = {};
  for (const f of Object.values(parsed.files)) for (const m of f.mutants) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
  const ran = Object.entries(statuses).filter(([s]) => !['Ignored', 'CompileError', 'NoCoverage', 'RuntimeError'].includes(s)).reduce((a, [, n]) => a + n, 0);
  return { mutants: ran, killed: (statuses.Killed ?? 0) + (statuses.Timeout ?? 0), seconds, statuses };
}
