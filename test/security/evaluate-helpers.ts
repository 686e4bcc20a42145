import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Report, ReportTest } from '../../src/report/types.js';
import { FIXTURES, makeRepo, type TestRepo } from '../fakes/repos.js';

/**
 * The security fixtures (fixtures/security/<name>/: base/, head/, candidates/) as a real repository
 * (base on `main`, head on `feature`), graded by `tfactory evaluate` in the real sandbox, exactly as
 * test/integration/evaluate-verdicts.test.ts grades the acceptance corpus.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const SECURITY_FIXTURES = join(FIXTURES, 'security');

export interface SecurityRepo {
  repo: TestRepo;
  candidate(file: string): string;
  /** Grades `candidates` (file names under candidates/) and returns the report. */
  evaluate(candidates: string[]): Promise<Report>;
  cleanup(): Promise<void>;
}

/** `nodeModules`: the folder lent to the checkout as its node_modules (default: TFactory's own, vitest 4). */
export async function createSecurityRepo(name: string, nodeModules = join(REPO_ROOT, 'node_modules')): Promise<SecurityRepo> {
  const repo = makeRepo(`tfactory-security-${name}-`);
  repo.copyFixture(`security/${name}/base`, '.');
  repo.commit(`${name}: base`);
  repo.git('checkout', '--quiet', '-b', 'feature');
  repo.copyFixture(`security/${name}/head`, '.');
  repo.commit(`${name}: head`);
  // A local run reuses the checkout's node_modules (src/wiring/project-packages.ts): lend it one.
  if (existsSync(join(repo.dir, 'package.json'))) await symlink(nodeModules, join(repo.dir, 'node_modules'), 'dir');
  const scratch = await mkdtemp(join(tmpdir(), `tfactory-security-${name}-run-`));
  let runs = 0;
  const candidate = (file: string): string => join(SECURITY_FIXTURES, name, 'candidates', file);
  return {
    repo,
    candidate,
    async evaluate(candidates) {
      runs += 1;
      const out = join(scratch, `report-${runs}.json`);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TFACTORY_DB: join(scratch, `runs-${runs}.db`),
        TFACTORY_WORKSPACE_ROOT: join(scratch, `workspaces-${runs}`),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      };
      delete env.GITHUB_TOKEN;
      const err: string[] = [];
      const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: repo.dir, isTty: false };
      const args = ['evaluate', '--repo', repo.dir, '--base', 'main', '--head', 'feature', ...candidates.flatMap((c) => ['--tests', candidate(c)]), '--no-llm', '--format', 'json', '--out', out];
      const code = await main(args, io);
      // 3: the run finished and no test was accepted (the report is written all the same)
      if (code !== 0 && code !== 3) throw new Error(`tfactory evaluate exited ${code}: ${err.join('')}`);
      return JSON.parse(await readFile(out, 'utf8')) as Report;
    },
    async cleanup() {
      repo.cleanup();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** The report's tests of one candidate file (by its base name). */
export function testsOf(report: Report, file: string): ReportTest[] {
  return report.tests.filter((t) => t.file.endsWith(`/${file}`) || t.file === file);
}

/** What must not change for a test when a hostile candidate joins its run: verdict and reasons. */
export function gradeOf(t: ReportTest): { name: string; verdict: string; reasons: string[] } {
  return { name: t.name, verdict: t.verdict, reasons: t.reasons.map((r) => `${r.severity}:${r.code}: ${r.text}`) };
}
