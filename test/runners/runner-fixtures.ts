import { symlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Report, ReportTest } from '../../src/report/types.js';
import { FIXTURES, makeRepo } from '../fakes/repos.js';
import { installedPackages } from '../helpers/npm-packages.js';

/**
 * The runner fixtures (fixtures/runners/<runner-version>/: base/, head/, candidates/), one small
 * project per runner, version, module system and transform, each with its own configuration file.
 * A fixture becomes a real repository (base on `main`, head on `feature`) whose node_modules is a
 * real install from the npm registry (test/helpers/npm-packages.ts, cached per machine), and is
 * graded by `tfactory evaluate` in the real sandbox, as a user's checkout would be.
 */

export const RUNNER_FIXTURES = join(FIXTURES, 'runners');
const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface RunnerCase {
  /** fixtures/runners/<fixture> */
  fixture: string;
  runner: string;
  version: string;
  modules: 'ESM' | 'CommonJS';
  transform: string;
  /** The cached install lent as node_modules: [cache name, packages]; TFactory's own (vitest 4) when absent. */
  install?: [string, string[]];
  /** Candidate file extension. */
  ext: 'ts' | 'js';
  /** Also grade candidates/forged-events.test.<ext> (a test that appends unsigned result lines). */
  hostile?: boolean;
  /** The checkout has no node_modules at all (node:test needs no package). */
  noModules?: boolean;
}

/** The installs are few and shared: one per runner major (jest 30's serves both jest 30 fixtures). */
export const RUNNER_CASES: RunnerCase[] = [
  { fixture: 'vitest-1', runner: 'vitest', version: '1.6.1', modules: 'ESM', transform: 'vite (esbuild)', install: ['vitest1', ['vitest@1.6.1']], ext: 'ts', hostile: true },
  { fixture: 'vitest-2', runner: 'vitest', version: '2.1.9', modules: 'CommonJS', transform: 'vite (esbuild)', install: ['vitest2', ['vitest@2.1.9']], ext: 'ts' },
  { fixture: 'vitest-3', runner: 'vitest', version: '3.2.7', modules: 'ESM', transform: 'vite (esbuild), pool threads', install: ['vitest3', ['vitest@3.2.7']], ext: 'ts', hostile: true },
  { fixture: 'vitest-4', runner: 'vitest', version: '4 (TFactory\'s own)', modules: 'ESM', transform: 'none (JavaScript)', ext: 'js' },
  {
    fixture: 'jest-29-ts-jest', runner: 'jest', version: '29.7.0', modules: 'CommonJS', transform: 'ts-jest, jest.config.ts',
    install: ['jest29-tsjest', ['jest@29.7.0', 'ts-jest@29.4.15', 'typescript@5.9.3', 'ts-node@10.9.2']], ext: 'ts',
  },
  {
    fixture: 'jest-30-babel', runner: 'jest', version: '30.5.2', modules: 'CommonJS', transform: 'babel-jest (@babel/preset-typescript)',
    install: ['jest30-babel', ['jest@30.5.2', '@babel/core@7.29.16', '@babel/preset-env@7.29.14', '@babel/preset-typescript@7.29.7']], ext: 'ts',
  },
  {
    fixture: 'jest-30-esm', runner: 'jest', version: '30.5.2', modules: 'ESM', transform: 'none (native ESM, --experimental-vm-modules)',
    install: ['jest30-babel', ['jest@30.5.2', '@babel/core@7.29.16', '@babel/preset-env@7.29.14', '@babel/preset-typescript@7.29.7']], ext: 'js',
  },
  { fixture: 'node-test', runner: 'node:test', version: '(the runner image\'s node 22)', modules: 'ESM', transform: 'none (`node --test`)', ext: 'js', hostile: true, noModules: true },
];

/** The node_modules folder a case's checkout gets (installing it once per machine). */
export function nodeModulesFor(c: RunnerCase): string {
  return c.install ? installedPackages(c.install[0], c.install[1]) : join(REPO_ROOT, 'node_modules');
}

/** Grades `candidates` (file names under the fixture's candidates/) with `tfactory evaluate` and returns the report. */
export async function evaluateFixture(c: RunnerCase, candidates: string[]): Promise<Report> {
  const repo = makeRepo(`tfactory-runner-${c.fixture}-`);
  const scratch = await mkdtemp(join(tmpdir(), `tfactory-runner-${c.fixture}-run-`));
  try {
    repo.copyFixture(`runners/${c.fixture}/base`, '.');
    repo.commit(`${c.fixture}: base`);
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.copyFixture(`runners/${c.fixture}/head`, '.');
    repo.commit(`${c.fixture}: head`);
    // A local run reuses the checkout's node_modules (src/wiring/project-packages.ts): lend it the
    // install (a node:test project without dependencies has none, and needs none).
    if (!c.noModules) symlinkSync(nodeModulesFor(c), join(repo.dir, 'node_modules'), 'dir');
    const out = join(scratch, 'report.json');
    const env: NodeJS.ProcessEnv = {
      ...process.env, TFACTORY_DB: join(scratch, 'runs.db'), TFACTORY_WORKSPACE_ROOT: join(scratch, 'workspaces'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    delete env.GITHUB_TOKEN;
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: repo.dir, isTty: false };
    const tests = candidates.flatMap((f) => ['--tests', join(RUNNER_FIXTURES, c.fixture, 'candidates', f)]);
    const code = await main(['evaluate', '--repo', repo.dir, '--base', 'main', '--head', 'feature', ...tests, '--no-llm', '--format', 'json', '--out', out], io);
    // 3: the run finished and no test was accepted (the report is written all the same)
    if (code !== 0 && code !== 3) throw new Error(`tfactory evaluate exited ${code}: ${err.join('')}`);
    return JSON.parse(await readFile(out, 'utf8')) as Report;
  } finally {
    repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The report's tests of one candidate file (by its base name). */
export function testsOf(report: Report, file: string): ReportTest[] {
  return report.tests.filter((t) => t.file.endsWith(`/${file}`) || t.file === file);
}
