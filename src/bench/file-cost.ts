/**
 * npm run bench:file-cost [fixture] — the evaluate stage's time per additional candidate file.
 * The fixture's candidate files (default: py-shipping, fixtures/bench/repos/) are graded exactly as
 * `tfactory evaluate --no-llm` does, once as they are (N files) and once with every file copied
 * COPIES times (N × COPIES files, the same tests under new file and function names), alternating,
 * ROUNDS times each (3, or BENCH_ROUNDS); the per-file slope is (fastest time with N × COPIES − fastest time with N) /
 * (N × (COPIES − 1)): the fastest round is the one the other work on the machine disturbed least. It prints
 * what grows with the files too (tests, test executions, their necessary time), so the slope can be
 * read as what it is: the copies' own test runs (head, stability, base, their mutants) plus any
 * per-file overhead of the evaluation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOne, fixtureCandidates, type Row } from './evaluate-run.js';
import { copiedFiles } from './file-copies.js';

const COPIES = 4;
// BENCH_ROUNDS=N for more rounds on a noisy machine
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3) || 3);

function fastest(rows: Row[]): number {
  return Math.min(...rows.map((r) => r.evaluateS));
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'py-shipping';
  const files = await fixtureCandidates(name);
  const many = copiedFiles(files, COPIES);
  const dbDir = await mkdtemp(join(tmpdir(), 'tfactory-bench-file-cost-'));
  const small: Row[] = [];
  const large: Row[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`bench:file-cost ${name}: round ${round}/${ROUNDS}, ${files.length} files …\n`);
      small.push(await benchOne(name, dbDir, files));
      process.stderr.write(`bench:file-cost ${name}: round ${round}/${ROUNDS}, ${many.length} files …\n`);
      large.push(await benchOne(name, dbDir, many));
    }
  } finally {
    await rm(dbDir, { recursive: true, force: true });
  }
  const header = ['files', 'tests', 'mutants', 'test execs', 'necessary s', 'evaluate s (each round)', 'evaluate s (fastest)'];
  const line = (rows: Row[]): string[] => {
    const r = rows[0] as Row;
    return [String(r.files), String(r.tests), String(r.mutants), String(r.executions), r.necessaryS.toFixed(2), rows.map((x) => x.evaluateS.toFixed(2)).join(' '), fastest(rows).toFixed(2)];
  };
  const lines = [line(small), line(large)];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(`${name}: evaluate with its ${files.length} candidate files, and with each copied ${COPIES} times (alternating, ${ROUNDS} rounds each)`);
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
  const added = many.length - files.length;
  const s = small[0] as Row;
  const g = large[0] as Row;
  const slope = (fastest(large) - fastest(small)) / added;
  console.log(`\nper additional candidate file: ${slope.toFixed(3)} s of evaluate time`);
  // Where the slope goes: each phase's time in the fastest round of each size (the graders' phases
  // and the evaluate stage's own: settle, grader, staticsAfterGrader).
  const quick = (rows: Row[]): Row => rows.reduce((a, b) => (b.evaluateS < a.evaluateS ? b : a));
  const phasesOf = (r: Row): Record<string, number> => r.evaluate.stats.phasesMs ?? {};
  const [ps, pg] = [phasesOf(quick(small)), phasesOf(quick(large))];
  const names = [...new Set([...Object.keys(ps), ...Object.keys(pg)])];
  if (names.length > 0) {
    console.log(`  by phase, s per added file (fastest rounds): ${names.map((n) => `${n} ${(((pg[n] ?? 0) - (ps[n] ?? 0)) / 1000 / added).toFixed(3)}`).join(', ')}`);
  }
  console.log(`  (each added file brings ${((g.tests - s.tests) / added).toFixed(1)} tests, ${((g.executions - s.executions) / added).toFixed(1)} test executions and ${((g.necessaryS - s.necessaryS) / added).toFixed(3)} s of necessary test time)`);
  // The evaluate stage's own verdicts (the report's triage then drops the copies as duplicates of the originals).
  const count = (r: Row): string => ['accept', 'flag', 'reject', 'error'].map((v) => r.evaluate.tests.filter((t) => t.verdict === v).length).join('/');
  console.log(`evaluate verdicts acc/flag/rej/err: ${files.length} files: ${small.map(count).join(' ')}; ${many.length} files: ${large.map(count).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
