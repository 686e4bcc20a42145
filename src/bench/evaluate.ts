/**
 * npm run bench:evaluate — grades the candidate tests of the fixture repositories (fixtures/repos/*)
 * exactly as `tfactory evaluate --no-llm` does, and prints what it cost: candidates, mutants,
 * containers started, test executions, wall time, and the ratio of the evaluate stage's wall time
 * to the time of the test executions that were strictly necessary (one head run of each test).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOne, fixtureCandidates, FIXTURES, type Row } from './evaluate-run.js';
import { measureGuardCost, type GuardCost } from './guard-cost.js';

async function main(): Promise<void> {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : (await readdir(FIXTURES)).filter((n) => existsSync(join(FIXTURES, n, 'candidates'))).sort();
  const dbDir = await mkdtemp(join(tmpdir(), 'tfactory-bench-'));
  const rows: Row[] = [];
  const guards: Array<[string, GuardCost]> = [];
  const single: Array<[string, Row]> = [];
  try {
    for (const name of names) {
      process.stderr.write(`bench:evaluate ${name} …\n`);
      rows.push(await benchOne(name, dbDir));
      guards.push([name, await measureGuardCost(join(FIXTURES, name))]);
      // The same fixture with its one good candidate file: what each further file costs the stage.
      const good = (await readdir(join(FIXTURES, name, 'candidates'))).find((f) => /(?:^|_)good\.|^good\./.test(f));
      if (good) single.push([name, await benchOne(name, dbDir, (await fixtureCandidates(name)).filter((f) => f.path === good))]);
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
  console.log('\nEvaluate stage per additional candidate file ((all files - the good file alone) / (files - 1)):');
  for (const [name, one] of single) {
    const all = rows.find((r) => r.fixture === name);
    if (all && all.files > 1) console.log(`  ${name}: 1 file ${one.evaluateS.toFixed(1)} s, ${all.files} files ${all.evaluateS.toFixed(1)} s: ${((all.evaluateS - one.evaluateS) / (all.files - 1)).toFixed(2)} s per additional file`);
  }
  console.log('\n"necessary" = one head run of each candidate test (what any grader must pay); the rest is stability reruns, coverage, mutants, the base run, static checks and container start.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
