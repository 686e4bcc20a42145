/**
 * One fixture repository (fixtures/repos/<name>) graded exactly as `tfactory evaluate --no-llm`
 * does, with its provided candidates: what bench:evaluate and bench:mutation measure.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, symlink, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildRepoFromTrees } from '../git/build-repo.js';
import { vendorDirNames } from '../languages/registry.js';
import { PACKAGE_ROOT } from '../version.js';
import { createServices } from '../wiring/create-services.js';
import { resolveRunSettings } from '../config/run-settings.js';
import type { EvaluateResult } from '../pipeline/types.js';

export const FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'repos');
/** Benchmark-only fixture repositories (no expected verdicts): fixtures/bench/repos/<name>. */
export const BENCH_FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'bench', 'repos');

/** The folder of a fixture repository: fixtures/repos/<name>, else fixtures/bench/repos/<name>. */
export function fixtureDir(name: string): string {
  const bench = join(BENCH_FIXTURES, name);
  return existsSync(join(FIXTURES, name)) || !existsSync(bench) ? join(FIXTURES, name) : bench;
}

export interface Row {
  fixture: string; files: number; tests: number; verdicts: string; mutants: number; containers: number;
  executions: number; wallS: number; evaluateS: number; necessaryS: number; ratio: number;
  /** The graders' mutation phase (control and mutant runs), seconds. */
  mutationS: number;
  /** The evaluate stage's own output. */
  evaluate: EvaluateResult;
}

/** A candidate file handed to the evaluation (its name under candidates/ and its text). */
export interface ProvidedFile { path: string; content: string }

/** A fixture's candidates/ files, sorted by name. */
export async function fixtureCandidates(name: string): Promise<ProvidedFile[]> {
  const candDir = join(fixtureDir(name), 'candidates');
  const files = (await readdir(candDir)).sort();
  return Promise.all(files.map(async (f) => ({ path: f, content: await readFile(join(candDir, f), 'utf8') })));
}

/** `candidates`: the files to grade instead of the fixture's candidates/ (bench:file-cost grades copies). */
export async function benchOne(name: string, dbDir: string, candidates?: ProvidedFile[]): Promise<Row> {
  const source = fixtureDir(name);
  const repo = await buildRepoFromTrees(source, name, vendorDirNames());
  try {
    if (existsSync(join(source, 'head', 'package.json'))) {
      // The TS fixture brings no node_modules: lend it TFactory's own (vitest 4), as a local checkout would have its own.
      await symlink(join(PACKAGE_ROOT, 'node_modules'), join(repo.dir, 'node_modules'));
      await appendFile(join(repo.dir, '.git', 'info', 'exclude'), 'node_modules\n');
    }
    const provided = (candidates ?? await fixtureCandidates(name)).map((f) => ({ ...f, external: true }));
    const services = createServices({ env: { ...process.env, TFACTORY_DB: join(dbDir, `${name}.db`), LOG_LEVEL: 'silent' }, cwd: repo.dir });
    try {
      await services.service.start();
      const t0 = Date.now();
      const { run } = await services.service.submit({
        source: { kind: 'local', repoPath: repo.dir, baseRef: repo.base, headRef: repo.head },
        trigger: { kind: 'cli' },
        options: { dryRun: true, provided },
        settings: resolveRunSettings({ flags: { noLlm: true }, env: services.env }),
        idempotencyKey: `bench:${name}:${provided.length}:${Date.now()}`,
      });
      await services.service.idle();
      const wallS = (Date.now() - t0) / 1000;
      const done = await services.service.get(run.id);
      if (!done?.report) throw new Error(`${name}: run ${done?.status}: ${done?.error?.message ?? 'no report'}`);
      const outputs = await services.store.stageOutputs(run.id);
      const ev = outputs.evaluate as EvaluateResult;
      const evaluateS = (done.stages.find((s) => s.name === 'evaluate')?.durationMs ?? 0) / 1000;
      const s = done.report.summary;
      return {
        fixture: name, files: provided.length, tests: s.total, verdicts: `${s.accepted}/${s.flagged}/${s.rejected}/${s.errors}`,
        mutants: ev.stats.mutants, containers: ev.stats.containers, executions: ev.stats.executions,
        wallS, evaluateS, necessaryS: ev.stats.necessaryMs / 1000, mutationS: (ev.stats.mutationMs ?? 0) / 1000, evaluate: ev, ratio: ev.stats.necessaryMs > 0 ? evaluateS / (ev.stats.necessaryMs / 1000) : NaN,
      };
    } finally {
      await services.close();
    }
  } finally {
    await repo.cleanup();
  }
}

