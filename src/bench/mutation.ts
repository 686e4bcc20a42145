/**
 * npm run bench:mutation — mutation testing speed, side by side on the same fixture repositories
 * (fixtures/repos/* with candidates, and the benchmark-only fixtures/bench/repos/*: py-shipping and
 * ts-shipping, one change in Python and in TypeScript with about 60 mutants and no hanging test) and
 * the same changed line ranges:
 *  - TFactory's evaluate stage (`tfactory evaluate --no-llm`): the whole stage, and its mutation
 *    phase alone (the graders' control and mutant runs, stats.mutationMs);
 *  - a naive loop: text-edit mutants of the changed lines, a fresh test-runner process per mutant
 *    (on the host, no container: the cheapest a naive loop can be);
 *  - for a fixture run by vitest, Stryker (installed into a temp folder from the npm registry).
 * Both baselines run the candidate files whose tests all passed on head and were stable in
 * TFactory's grading; when those are fewer than every candidate, TFactory's evaluate also runs on
 * them alone (the row "baselines' files": the whole stage on the same tests as Stryker's run, since
 * a candidate left out, one that hangs say, costs the stage its time limit and the baselines
 * nothing). Prints mutants, seconds, mutants/s and the ratios. BENCH_ROUNDS=N (default 1)
 * runs TFactory's evaluate and Stryker N times each, alternating which goes first, and takes each
 * one's median (a shared machine's noise moves one run by a third); the naive loop runs once.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { languageOfPath, looksLikeTestPath, runnerFor } from '../languages/registry.js';
import { PACKAGE_ROOT } from '../version.js';
import { BENCH_FIXTURES, benchOne, fixtureCandidates, FIXTURES, fixtureDir, type ProvidedFile } from './evaluate-run.js';
import { runCommand, runNaiveLoop, textMutants } from './naive-mutants.js';
import { installStryker, runStryker, STRYKER_VERSION } from './stryker.js';

interface Line {
  fixture: string; tool: string; mutants: number; killed: string;
  /** The seconds of each round (one for the naive loop). */
  rounds: number[];
}

const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 1)) || 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Changed line numbers of head's source files (not tests), from `git diff --no-index -U0 base head`. */
async function changedLines(fixtureDir: string): Promise<Record<string, number[]>> {
  const r = await runCommand('git', ['diff', '--no-index', '-U0', '--no-color', 'base', 'head'], fixtureDir, 60_000);
  const out: Record<string, number[]> = {};
  let file: string | undefined;
  for (const line of r.output.split('\n')) {
    const plus = /^\+\+\+ (?:b\/)?head\/(.+)$/.exec(line);
    if (plus?.[1]) {
      file = languageOfPath(plus[1]) && !looksLikeTestPath(plus[1]) ? plus[1] : undefined;
      continue;
    }
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) (out[file] ??= []).push(n);
    }
  }
  return out;
}

/** A copy of head with the chosen candidate files where the evaluation put them. */
async function workTree(fixtureDir: string, files: string[], into: string): Promise<string> {
  const dir = await mkdtemp(join(into, 'tree-'));
  await cp(join(fixtureDir, 'head'), dir, { recursive: true });
  for (const f of files) await cp(join(fixtureDir, 'candidates', basename(f)), join(dir, f));
  return dir;
}

async function benchFixture(name: string, scratch: string, lines: Line[]): Promise<void> {
  const dir = fixtureDir(name);
  process.stderr.write(`bench:mutation ${name}: TFactory evaluate, round 1/${ROUNDS} …\n`);
  const row = await benchOne(name, scratch);
  const whole: Line = { fixture: name, tool: 'TFactory evaluate (whole stage)', mutants: row.mutants, killed: '', rounds: [row.evaluateS] };
  const phase: Line = { fixture: name, tool: 'TFactory mutation phase', mutants: row.mutants, killed: '', rounds: [row.mutationS] };
  lines.push(whole, phase);
  // The same files as the baselines (set below when they are fewer than every candidate): the row
  // that compares with them, since a candidate they leave out (one that hangs until the per-test
  // limit, say) costs TFactory's stage its time and theirs nothing.
  let same: { line: Line; files: ProvidedFile[] } | undefined;
  const evaluateSame = async (round: number): Promise<void> => {
    if (!same) return;
    process.stderr.write(`bench:mutation ${name}: TFactory evaluate of the baselines' files, round ${round}/${ROUNDS} …\n`);
    const r = await benchOne(name, scratch, same.files);
    same.line.mutants = r.mutants;
    same.line.rounds.push(r.evaluateS);
  };
  const evaluateAgain = async (round: number): Promise<void> => {
    process.stderr.write(`bench:mutation ${name}: TFactory evaluate, round ${round}/${ROUNDS} …\n`);
    const again = await benchOne(name, scratch);
    whole.rounds.push(again.evaluateS);
    phase.rounds.push(again.mutationS);
    await evaluateSame(round);
  };

  // The files every test of which passed on head, was stable and has no high lint finding (a clock
  // or a random number unseeded would make the baselines kill mutants by chance).
  const byFile = new Map<string, boolean>();
  for (const t of row.evaluate.tests) {
    const good = t.signals.passes?.ok === true && t.signals.stability?.flaky !== true && !t.signals.lint.some((f) => f.severity === 'high');
    byFile.set(t.file, (byFile.get(t.file) ?? true) && good);
  }
  const chosen = [...byFile].filter(([, ok]) => ok).map(([f]) => f).sort();
  if (chosen.length === 0) throw new Error(`${name}: no candidate file passed on head; nothing to run the baselines with`);
  const candidates = await fixtureCandidates(name);
  if (chosen.length < candidates.length) {
    const names = new Set(chosen.map((f) => basename(f)));
    same = { line: { fixture: name, tool: 'TFactory evaluate (whole stage), baselines\' files', mutants: 0, killed: '', rounds: [] }, files: candidates.filter((f) => names.has(f.path)) };
    lines.push(same.line);
    await evaluateSame(1);
  }
  const changed = await changedLines(dir);
  const language = languageOfPath(chosen[0] as string);
  const node = language !== undefined && runnerFor(language) === 'node';
  process.stderr.write(`bench:mutation ${name}: baselines on ${chosen.join(', ')}; changed ${Object.entries(changed).map(([f, l]) => `${f} (${l.length} lines)`).join(', ')}\n`);

  const mutants = (await Promise.all(Object.entries(changed).map(async ([f, l]) => textMutants(f, await readFile(join(dir, 'head', f), 'utf8'), l)))).flat();
  const naiveDir = await workTree(dir, chosen, scratch);
  if (node) await symlink(join(PACKAGE_ROOT, 'node_modules'), join(naiveDir, 'node_modules'));
  const command = node
    ? { cmd: process.execPath, args: [join(PACKAGE_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...chosen] }
    : { cmd: 'python3', args: ['-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', ...chosen], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } };
  const sanity = await runCommand(command.cmd, command.args, naiveDir, 120_000, command.env);
  if (sanity.code !== 0) throw new Error(`${name}: the chosen tests do not pass on head outside the sandbox: ${sanity.output.slice(-800)}`);
  process.stderr.write(`bench:mutation ${name}: naive loop, ${mutants.length} mutants …\n`);
  const naive = await runNaiveLoop(naiveDir, mutants, command, 30_000);
  lines.push({ fixture: name, tool: node ? 'naive: fresh vitest per mutant' : 'naive: fresh pytest per mutant', mutants: naive.mutants, killed: String(naive.killed), rounds: [naive.seconds] });

  // Stryker's rounds and TFactory's alternate: round r runs TFactory first when r is odd (round 1's
  // TFactory run is the one above), Stryker first when r is even.
  let stryker: (() => Promise<void>) | undefined;
  if (node) {
    const installed = await installStryker((l) => process.stderr.write(`${l}\n`));
    const mutate = Object.entries(changed).map(([f, l]) => `${f}:${Math.min(...l)}-${Math.max(...l)}`);
    let line: Line | undefined;
    stryker = async () => {
      const strykerDir = await workTree(dir, chosen, scratch);
      process.stderr.write(`bench:mutation ${name}: Stryker ${STRYKER_VERSION}, round ${(line?.rounds.length ?? 0) + 1}/${ROUNDS} …\n`);
      try {
        const s = await runStryker(installed, strykerDir, mutate, chosen);
        if (!line) {
          line = { fixture: name, tool: `Stryker ${STRYKER_VERSION} (vitest runner, whole run)`, mutants: s.mutants, killed: String(s.killed), rounds: [] };
          lines.push(line);
        }
        line.rounds.push(s.seconds);
        process.stderr.write(`bench:mutation ${name}: Stryker statuses ${JSON.stringify(s.statuses)}\n`);
      } catch (err) {
        // The other figures still print; the reason is the last thing said about Stryker, which runs no more.
        process.stderr.write(`bench:mutation ${name}: Stryker gave no figures: ${err instanceof Error ? err.message : String(err)}\n`);
        stryker = undefined;
      } finally {
        await rm(strykerDir, { recursive: true, force: true });
      }
    };
  }
  for (let round = 1; round <= ROUNDS; round++) {
    if (round % 2 === 1) {
      if (round > 1) await evaluateAgain(round);
      await stryker?.();
    } else {
      await stryker?.();
      await evaluateAgain(round);
    }
  }
}

async function main(): Promise<void> {
  // The fixtures with candidates, and the benchmark-only ones (a change with a realistic number of mutants).
  const withCandidates = async (root: string): Promise<string[]> => (existsSync(root) ? (await readdir(root)).filter((n) => existsSync(join(root, n, 'candidates'))).sort() : []);
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [...await withCandidates(FIXTURES), ...await withCandidates(BENCH_FIXTURES)];
  const scratch = await mkdtemp(join(tmpdir(), 'tfactory-bench-mutation-'));
  const lines: Line[] = [];
  try {
    for (const name of names) await benchFixture(name, scratch, lines);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const seconds = (l: Line): number => median(l.rounds);
  const rate = (l: Line): number => (seconds(l) > 0 ? l.mutants / seconds(l) : NaN);
  const header = ['fixture', 'tool', 'mutants', 'killed', ROUNDS > 1 ? 'seconds (median)' : 'seconds', 'mutants/s', 'x naive', 'x Stryker', ...(ROUNDS > 1 ? ['each round'] : [])];
  const rows = lines.map((l) => {
    const naive = lines.find((o) => o.fixture === l.fixture && o.tool.startsWith('naive'));
    const stryker = lines.find((o) => o.fixture === l.fixture && o.tool.startsWith('Stryker'));
    return [l.fixture, l.tool, String(l.mutants), l.killed, seconds(l).toFixed(1), rate(l).toFixed(2),
      naive ? (rate(l) / rate(naive)).toFixed(2) : '', stryker ? (rate(l) / rate(stryker)).toFixed(2) : '',
      ...(ROUNDS > 1 ? [l.rounds.map((x) => x.toFixed(1)).join(' ')] : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  console.log('\nMutants are each tool\'s own on the same changed lines (TFactory: its operators on changed function lines; naive: text edits of the changed lines; Stryker: its operators on the changed ranges, those it ran).');
  console.log('The baselines run on the host without a container, with the candidate files whose tests all passed on head and were stable; TFactory runs in its sandbox with every candidate, and again with the baselines\' files alone ("baselines\' files": the whole stage on the same tests as Stryker) when they are fewer.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
