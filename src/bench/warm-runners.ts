/**
 * npm run bench:warm-runners — the TS grader's runners cold (a fresh runner process per run) and warm
 * (runtime/runners/vitest-warm.mjs and jest-warm.mjs: one long-lived runner process, fresh workers
 * per run, started ahead), side by side in one process on the host, over the same sequence of runs:
 * the benchmark fixture ts-shipping's head with its five candidate files, each run one or two files
 * with its own mutant id in the environment (as the grader's mutant runs are), run by
 *  - vitest 4 (TFactory's own), and
 *  - jest 30 with Babel (the same sources and tests, made a jest project at run time; jest and Babel
 *    installed once per machine into the temp folder from the npm registry).
 * Cold and warm alternate, ROUNDS times each; prints each round's seconds, the fastest of each and
 * their ratio, and checks that both gave every test the same state in every run.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsRuntimeDir } from '../languages/typescript/runtime-path.js';
import { PACKAGE_ROOT } from '../version.js';
import { BENCH_FIXTURES } from './evaluate-run.js';
import { runCommand } from './naive-mutants.js';

const ROUNDS = 3;
const JEST = ['jest@30.5.2', '@babel/core@7.29.16', '@babel/preset-env@7.29.14', '@babel/preset-typescript@7.29.7'];

interface Out { warmFailed?: string; results: Array<{ file: string; name: string; state: string }> }
interface Runner { prepare?(): void; run(spec: Record<string, unknown>): Promise<Out>; close?(): void }
type RunnerModule = Record<string, (opts: Record<string, unknown>) => Runner | undefined>;

async function runtime(file: string): Promise<RunnerModule> {
  return (await import(join(tsRuntimeDir(), 'runners', file))) as RunnerModule;
}

/** jest 30 and Babel, installed once per machine (npm registry). */
async function installJest(): Promise<string> {
  const dir = join(tmpdir(), 'tfactory-bench-jest30-babel');
  if (existsSync(join(dir, '.complete'))) return join(dir, 'node_modules');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ private: true, name: 'tfactory-bench-jest' }));
  process.stderr.write(`bench:warm-runners: installing ${JEST.join(' ')} into ${dir} (npm registry) …\n`);
  const r = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...JEST], dir, 600_000);
  if (r.code !== 0) throw new Error(`npm install of jest failed (exit ${String(r.code)}): ${r.output.slice(-600)}\nCheck that the npm registry is reachable, then run the bench again.`);
  await writeFile(join(dir, '.complete'), '');
  return join(dir, 'node_modules');
}

/** ts-shipping's head with its candidates in test/: as it is (vitest), or as a jest + Babel project. */
async function project(into: string, kind: 'vitest' | 'jest', modules: string): Promise<{ dir: string; files: string[] }> {
  const source = join(BENCH_FIXTURES, 'ts-shipping');
  const dir = join(into, kind);
  await cp(join(source, 'head'), dir, { recursive: true });
  const names = (await readdir(join(source, 'candidates'))).sort();
  for (const n of names) {
    const text = await readFile(join(source, 'candidates', n), 'utf8');
    // jest's globals stand in for vitest's imports
    await writeFile(join(dir, 'test', n), kind === 'jest' ? text.replace(/^import \{[^}]*\} from 'vitest';\n/m, '') : text);
  }
  if (kind === 'jest') {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'package.json'), JSON.stringify({ ...pkg, type: undefined, scripts: { test: 'jest' }, jest: { testEnvironment: 'node' }, devDependencies: { jest: '^30.0.0' } }));
    await writeFile(join(dir, 'babel.config.cjs'), "module.exports = { presets: [['@babel/preset-env', { targets: { node: 'current' } }], '@babel/preset-typescript'] };\n");
  }
  await symlink(modules, join(dir, 'node_modules'));
  return { dir, files: names.map((n) => join(dir, 'test', n)) };
}

/** The runs: each file alone, then each pair of neighbours, each with a mutant id of its own. */
function sequence(files: string[]): Array<{ files: string[]; mutant: string }> {
  const out = files.map((f, i) => ({ files: [f], mutant: `M${i + 1}` }));
  for (let i = 0; i + 1 < files.length; i++) out.push({ files: [files[i] as string, files[i + 1] as string], mutant: `M${files.length + i + 1}` });
  return out;
}

async function timeRuns(runner: Runner, runs: Array<{ files: string[]; mutant: string }>): Promise<{ seconds: number; states: string[] }> {
  const states: string[] = [];
  const t0 = performance.now();
  for (const r of runs) {
    const out = await runner.run({ files: r.files, mutant: r.mutant, testTimeoutMs: 5000, deadlineMs: 120_000, stallMs: 30_000 });
    if (out.warmFailed) throw new Error(`a warm run failed: ${out.warmFailed}`);
    states.push(out.results.map((x) => `${x.name}: ${x.state}`).sort().join('; '));
  }
  return { seconds: (performance.now() - t0) / 1000, states };
}

async function benchRunner(kind: 'vitest' | 'jest', scratch: string): Promise<string[]> {
  const modules = kind === 'jest' ? await installJest() : join(PACKAGE_ROOT, 'node_modules');
  const { dir, files } = await project(scratch, kind, modules);
  const support = join(tsRuntimeDir(), 'support');
  const coldMod = await runtime(kind === 'jest' ? 'jest.mjs' : 'vitest.mjs');
  const warmMod = await runtime(kind === 'jest' ? 'jest-warm.mjs' : 'vitest-warm.mjs');
  const cold = (kind === 'jest' ? coldMod.createJestRunner : coldMod.createVitestRunner)?.({ projectDir: dir, supportDir: support, ioDir: join(scratch, `${kind}-io-cold`) });
  if (!cold) throw new Error(`${kind}: no cold runner`);
  cold.prepare?.();
  const warm = (kind === 'jest' ? warmMod.createWarmJestRunner : warmMod.createWarmVitestRunner)?.({ projectDir: dir, ioDir: join(scratch, `${kind}-io-warm`), cold });
  if (!warm) throw new Error(`${kind}: the warm runner does not apply to this install`);
  const runs = sequence(files);
  const coldS: number[] = [];
  const warmS: number[] = [];
  let differ = 0;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`bench:warm-runners ${kind}: round ${round}/${ROUNDS}, ${runs.length} runs cold, then warm …\n`);
      const c = await timeRuns(cold, runs);
      // a warm round starts from a fresh warm process, as each grading does
      warm.close?.();
      const w = await timeRuns(warm, runs);
      coldS.push(c.seconds);
      warmS.push(w.seconds);
      differ += c.states.filter((s, i) => s !== w.states[i]).length;
    }
  } finally {
    warm.close?.();
  }
  const best = (xs: number[]): number => Math.min(...xs);
  return [
    kind === 'jest' ? 'jest 30 + Babel' : 'vitest 4 (TFactory\'s)',
    String(runs.length),
    coldS.map((s) => s.toFixed(1)).join(' '),
    warmS.map((s) => s.toFixed(1)).join(' '),
    `${(best(coldS) / runs.length * 1000).toFixed(0)} / ${(best(warmS) / runs.length * 1000).toFixed(0)}`,
    (best(coldS) / best(warmS)).toFixed(2),
    String(differ),
  ];
}

async function main(): Promise<void> {
  const kinds = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['vitest', 'jest']) as Array<'vitest' | 'jest'>;
  for (const k of kinds) if (k !== 'vitest' && k !== 'jest') throw new Error(`unknown runner ${k}: vitest or jest`);
  const scratch = await mkdtemp(join(tmpdir(), 'tfactory-bench-warm-'));
  const rows: string[][] = [];
  try {
    for (const k of kinds) rows.push(await benchRunner(k, scratch));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const header = ['runner', 'runs', 'cold s (each round)', 'warm s (each round)', 'ms/run cold / warm (fastest)', 'cold / warm', 'runs that differ'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log('ts-shipping head with its 5 candidate files: each file alone and each pair of neighbours, one mutant id per run, on the host (no container)');
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
