/**
 * npm run bench:evaluate — grades the candidate tests of the fixture repositories (fixtures/repos/*)
 * exactly as `tfactory evaluate --no-llm` does, and prints what it cost: candidates, mutants,
 * containers started, test executions, wall time, and the ratio of the evaluate stage's wall time
 * to the time of the test executions that were strictly necessary (one head run of each test).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRepoFromTrees } from '../git/build-repo.js';
import { vendorDirNames } from '../languages/registry.js';
import { PACKAGE_ROOT } from '../version.js';
import { createServices } from '../wiring/create-services.js';
import { resolveRunSettings } from '../config/run-settings.js';
import type { EvaluateResult } from '../pipeline/types.js';
import { measureGuardCost, type GuardCost } from './guard-cost.js';

const FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'repos');

interface Row {
  fixture: string; files: number; tests: number; verdicts: string; mutants: number; containers: number;
  executions: number; wallS: number; evaluateS: number; necessaryS: number; ratio: number;
}

async function benchOne(name: string, dbDir: string): Promise<Row> {
  const source = join(FIXTURES, name);
  const repo = await buildRepoFromTrees(source, name, vendorDirNames());
  try {
    if (existsSync(join(source, 'head', 'package.json'))) {
      // The TS fixture brings no node_modules: lend it TFactory's own (vitest 4), as a local checkout would have its own.
      await symlink(join(PACKAGE_ROOT, 'node_modules'), join(repo.dir, 'node_modules'));
      await appendFile(join(repo.dir, '.git', 'info', 'exclude'), 'node_modules\n');
    }
    const candDir = join(source, 'candidates');
    const files = (await readdir(candDir)).sort();
    const provided = await Promise.all(files.map(async (f) => ({ path: f, content: await readFile(join(candDir, f), 'utf8'), external: true })));
    const services = createServices({ env: { ...process.env, TFACTORY_DB: join(dbDir, `${name}.db`), LOG_LEVEL: 'silent' }, cwd: repo.dir });
    try {
      await services.service.start();
      const t0 = Date.now();
      const { run } = await services.service.submit({
        source: { kind: 'local', repoPath: repo.dir, baseRef: repo.base, headRef: repo.head },
        trigger: { kind: 'cli' },
        options: { dryRun: true, provided },
        settings: resolveRunSettings({ flags: { noLlm: true }, env: services.env }),
        idempotencyKey: `bench:${name}:${Date.now()}`,
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
        fixture: name, files: files.length, tests: s.total, verdicts: `${s.accepted}/${s.flagged}/${s.rejected}/${s.errors}`,
        mutants: ev.stats.mutants, containers: ev.stats.containers, executions: ev.stats.executions,
        wallS, evaluateS, necessaryS: ev.stats.necessaryMs / 1000, ratio: ev.stats.necessaryMs > 0 ? evaluateS / (ev.stats.necessaryMs / 1000) : NaN,
      };
    } finally {
      await services.close();
    }
  } finally {
    await repo.cleanup();
  }
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : (await readdir(FIXTURES)).filter((n) => existsSync(join(FIXTURES, n, 'candidates'))).sort();
  const dbDir = await mkdtemp(join(tmpdir(), 'tfactory-bench-'));
  const rows: Row[] = [];
  const guards: Array<[string, GuardCost]> = [];
  try {
    for (const name of names) {
      process.stderr.write(`bench:evaluate ${name} …\n`);
      rows.push(await benchOne(name, dbDir));
      guards.push([name, await measureGuardCost(join(FIXTURES, name))]);
    }
  } finally {
    await rm(dbDir, { recursive: true, force: true });
  }
  const header = ['fixture', 'cand. files', 'tests', 'acc/flag/rej/err', 'mutants', 'containers', 'test execs', 'run wall s', 'evaluate s', 'necessary s', 'evaluate/necessary'];
  const lines = rows.map((r) => [r.fixture, r.files, r.tests, r.verdicts, r.mutants, r.containers, r.executions, r.wallS.toFixed(1), r.evaluateS.toFixed(1), r.necessaryS.toFixed(1), r.ratio.toFixed(1)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
  console.log('\nStatic guard per candidate file (real sandbox, one container; all files in one process as evaluate does, and one process per file as before):');
  for (const [name, g] of guards) {
    console.log(`  ${name}: ${g.files} files: 1 file ${g.oneS.toFixed(2)} s, all in one process ${g.batchS.toFixed(2)} s, one process each ${g.perProcessS.toFixed(2)} s; per additional file ${g.perFileBatchS.toFixed(3)} s (one process) vs ${g.perFilePerProcessS.toFixed(3)} s (one each)`);
  }
  console.log('\n"necessary" = one head run of each candidate test (what any grader must pay); the rest is stability reruns, coverage, mutants, the base run, static checks and container start.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
