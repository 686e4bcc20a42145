import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { createVitestRunner } from '../../../src/languages/typescript/runtime/runners/vitest.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { createWarmVitestRunner } from '../../../src/languages/typescript/runtime/runners/vitest-warm.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { runResolved } from '../../../src/languages/typescript/runtime/run-tests.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { preforkSupported } from '../../../src/languages/typescript/runtime/runners/vitest-prefork.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { screenOrder } from '../../../src/languages/typescript/runtime/mutation-phase.mjs';
import { tsRuntimeDir } from '../../../src/languages/typescript/runtime-path.js';
import { PACKAGE_ROOT } from '../../../src/version.js';

interface Result { file: string; name: string; state: string }
interface RunOut {
  warmFailed?: string; killedBy?: string | null; forged: number; results: Result[]; collected: unknown[];
}
interface Spec { files: string[]; tests?: Array<{ file: string; name: string; names: string[] }>; mutant?: string; mutants?: Record<string, string>; seed?: number; last?: boolean }
interface WarmRunner {
  run(spec: Spec & { testTimeoutMs: number; deadlineMs: number; stallMs: number }): Promise<RunOut>;
  keep(): number[];
  reset(): void;
  close(): void;
  cold: unknown;
}

/** The cold vitest runner over `project`, prepared (its I/O under `dir`), and the warm one over it. */
function runnersOver(project: string, dir: string, from?: WarmRunner): { cold: { run: WarmRunner['run'] }; warm: WarmRunner } {
  const cold = createVitestRunner({ projectDir: project, supportDir: join(tsRuntimeDir(), 'support'), ioDir: join(dir, 'io-cold') });
  cold.prepare();
  return { cold, warm: createWarmVitestRunner({ projectDir: project, ioDir: join(dir, 'io'), cold, from }) as WarmRunner };
}

/**
 * The warm vitest runner (runtime/runners/vitest-warm.mjs) on the host, with TFactory's own vitest 4,
 * over a small project of its own: one long-lived vitest runs many invocations, each with its own
 * mutant (reaching fresh workers), its own test names, a hang killed and the next run served by a
 * fresh process, and a run whose vitest died reported as such (run-tests.mjs makes it cold).
 */
describe('the warm vitest runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-warm-runner-'));
  const project = join(dir, 'project');
  const file = (name: string): string => join(project, 'test', name);
  let warm: WarmRunner;
  const run = (spec: Spec, stallMs = 8000): Promise<RunOut> => warm.run({ testTimeoutMs: 2000, deadlineMs: 60_000, stallMs, ...spec });
  /** The workers started ahead, waiting for a run (runners/vitest-prefork.mjs), among the pids the warm process owns. */
  const waitingPids = (): number[] => warm.keep().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('vitest-prefork-entry.mjs');
    } catch {
      return false;
    }
  });
  const states = (out: RunOut): string[] => out.results.map((r) => `${r.name}: ${r.state}`).sort();
  /** The live (not zombie) processes of process group `pgid`. */
  const groupMembers = (pgid: number): number[] => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'latin1');
      const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
      return Number(rest[2]) === pgid && rest[0] !== 'Z' && rest[0] !== 'X' ? [Number(p)] : [];
    } catch {
      return [];
    }
  });

  beforeAll(() => {
    mkdirSync(join(project, 'test'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'warm', type: 'module', devDependencies: { vitest: '^4.0.0' } }));
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(file('switch.test.ts'), [
      "import { expect, it } from 'vitest';",
      "it('sees M2', () => { expect((globalThis as Record<string, unknown>).__tfMutant).toBe('M2'); });",
      "it('sees no mutant', () => { expect((globalThis as Record<string, unknown>).__tfMutant).toBe(''); });",
    ].join('\n'));
    writeFileSync(file('hang.test.ts'), "import { it } from 'vitest';\nit('loops', () => { for (;;) { /* never ends */ } });\n");
    writeFileSync(file('kills.test.ts'), "import { it } from 'vitest';\nit('kills its runner', () => { process.kill(process.ppid, 'SIGKILL'); });\n");
    ({ warm } = runnersOver(project, dir));
  });
  afterAll(() => {
    warm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('switches the mutant between runs of one warm vitest and runs only the named tests', async () => {
    const first = await run({ files: [file('switch.test.ts')], mutant: 'M2' });
    expect(first.warmFailed).toBeUndefined();
    expect(first.forged).toBe(0);
    expect(states(first)).toEqual(['sees M2: passed', 'sees no mutant: failed']);
    const [host] = warm.keep();
    const named = { file: file('switch.test.ts'), name: 'sees no mutant', names: ['sees no mutant'] };
    const second = await run({ files: [file('switch.test.ts')], tests: [named] });
    expect(states(second)).toEqual(['sees M2: skipped', 'sees no mutant: passed']);
    const third = await run({ files: [file('switch.test.ts')], tests: [named], mutant: 'M3' });
    expect(states(third)).toEqual(['sees M2: skipped', 'sees no mutant: failed']);
    // the same vitest process served all three
    expect(warm.keep()[0]).toBe(host);
  }, 120_000);

  it('runs every test file of every run in a process started ahead of it, in which no test ran before, with that run\'s environment', async () => {
    const log = join(dir, 'fresh.log');
    const body = (tag: string): string => [
      "import { appendFileSync } from 'node:fs';",
      "import { expect, it } from 'vitest';",
      `it('${tag} starts clean', () => {`,
      '  const p = process as unknown as Record<string, unknown>;',
      '  const g = globalThis as Record<string, unknown>;',
      '  expect(p.__memo).toBeUndefined();',
      '  p.__memo = 1;',
      '  expect(g.__tfMutant).toBe(process.env.TFACTORY_MUTANT);',
      `  appendFileSync(${JSON.stringify(log)}, \`${tag} \${process.pid} \${process.env.TFACTORY_MUTANT}\\n\`);`,
      '});',
    ].join('\n');
    writeFileSync(file('fresh-a.test.ts'), body('a'));
    writeFileSync(file('fresh-b.test.ts'), body('b'));
    const runs: Array<{ mutant: string; files: string[] }> = [
      { mutant: 'M1', files: [file('fresh-a.test.ts')] },
      { mutant: 'M2', files: [file('fresh-a.test.ts'), file('fresh-b.test.ts')] },
      { mutant: '', files: [file('fresh-b.test.ts')] },
      { mutant: 'M3', files: [file('fresh-a.test.ts')] },
    ];
    // The workers waiting before each run began, and the pids each run's tests ran in.
    const waitingBefore: number[][] = [];
    const ranIn: number[][] = [];
    let seen = 0;
    for (const r of runs) {
      waitingBefore.push(waitingPids());
      const out = await run({ files: r.files, mutant: r.mutant });
      expect(out.warmFailed).toBeUndefined();
      expect(out.results.map((x) => x.state)).toEqual(r.files.map(() => 'passed'));
      const lines = readFileSync(log, 'utf8').trim().split('\n').slice(seen);
      seen += lines.length;
      expect(lines.map((l) => l.split(' ')[2] ?? ''), r.mutant).toEqual(r.files.map(() => r.mutant));
      ranIn.push(lines.map((l) => Number(l.split(' ')[1])));
    }
    const pids = ranIn.flat();
    expect(pids).toHaveLength(5);
    expect(new Set(pids).size).toBe(pids.length);
    // Every run after the first was served by workers that were waiting before it began (at least
    // one: the pool keeps as many waiting as vitest runs side by side, two here, one on one core).
    for (let i = 1; i < runs.length; i += 1) {
      expect(ranIn[i]?.filter((pid) => waitingBefore[i]?.includes(pid)).length, `run ${i}`).toBeGreaterThan(0);
    }
  }, 120_000);

  it('keeps no worker waiting after a run said to be the last: starts none ahead beyond its files, stops those beyond them', async () => {
    const a = file('switch.test.ts');
    const named = { file: a, name: 'sees no mutant', names: ['sees no mutant'] };
    const before = await run({ files: [a], tests: [named] });
    expect(states(before)).toEqual(['sees M2: skipped', 'sees no mutant: passed']);
    // Workers wait for the next run (two here, one on one core) ...
    expect(waitingPids().length).toBeGreaterThan(0);
    // ... but not after the last: its one file took one, and the other waiting was stopped.
    const last = await run({ files: [a], tests: [named], last: true });
    expect(states(last)).toEqual(['sees M2: skipped', 'sees no mutant: passed']);
    expect(waitingPids()).toEqual([]);
    // A run after all the same is served, by a worker started on the spot, and workers wait again after it.
    const after = await run({ files: [a], mutant: 'M2' });
    expect(states(after)).toEqual(['sees M2: passed', 'sees no mutant: failed']);
    expect(waitingPids().length).toBeGreaterThan(0);
  }, 120_000);

  it('gives each file of a run its own mutant, each in a fresh worker, seen by the test as a run with that one mutant', async () => {
    const log = join(dir, 'own.log');
    // What a test can see of the switch: the variable, the global, the process's message listeners
    // and the order of the environment's names.
    const body = (tag: string): string => [
      "import { appendFileSync } from 'node:fs';",
      "import { it } from 'vitest';",
      `it('${tag} records what it sees', () => {`,
      '  const g = globalThis as Record<string, unknown>;',
      `  appendFileSync(${JSON.stringify(log)}, JSON.stringify({ tag: '${tag}', pid: process.pid, env: process.env.TFACTORY_MUTANT, global: g.__tfMutant, listeners: process.listenerCount('message'), names: Object.keys(process.env).join() }) + '\\n');`,
      '});',
    ].join('\n');
    for (const tag of ['a', 'b', 'c']) writeFileSync(file(`own-${tag}.test.ts`), body(tag));
    const seen = (): Array<Record<string, unknown>> => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const own = await run({ files: ['a', 'b', 'c'].map((t) => file(`own-${t}.test.ts`)), mutants: { [file('own-a.test.ts')]: 'M5', [file('own-b.test.ts')]: 'M6' } });
    expect(own.warmFailed).toBeUndefined();
    expect(states(own)).toEqual(['a records what it sees: passed', 'b records what it sees: passed', 'c records what it sees: passed']);
    const lines = seen();
    const byTag = Object.fromEntries(lines.map((l) => [l.tag, l]));
    expect([byTag.a?.env, byTag.b?.env, byTag.c?.env]).toEqual(['M5', 'M6', '']);
    expect([byTag.a?.global, byTag.b?.global, byTag.c?.global]).toEqual(['M5', 'M6', '']);
    expect(new Set(lines.map((l) => l.pid)).size).toBe(3);
    // The same file in a run with one mutant for every file: the same sight, but for the pid.
    await run({ files: [file('own-a.test.ts'), file('own-c.test.ts')], mutant: 'M5' });
    const single = seen().slice(3).find((l) => l.tag === 'a');
    const { pid: _p1, ...alone } = single ?? {};
    const { pid: _p2, ...inOwn } = byTag.a ?? {};
    expect(inOwn).toEqual(alone);
  }, 120_000);

  it('runs a spec with a mutant per file on the cold vitest as one invocation per mutant, with the same verdicts as warm', async () => {
    const spec = {
      files: [file('switch.test.ts'), file('own-a.test.ts')],
      mutants: { [file('switch.test.ts')]: 'M2', [file('own-a.test.ts')]: 'M5' },
    };
    const limits = { testTimeoutMs: 2000 };
    const verdicts = (r: { verdicts: Map<string, { run: { outcome: string } }> }): string[] => [...r.verdicts].map(([k, v]) => `${k.split('/').pop()}: ${v.run.outcome}`).sort();
    const warmOut = await runResolved(warm, spec, limits);
    const coldOut = await runResolved(warm.cold, spec, limits);
    expect(verdicts(warmOut)).toEqual(['own-a.test.ts::a records what it sees: passed', 'switch.test.ts::sees M2: passed', 'switch.test.ts::sees no mutant: failed']);
    expect(verdicts(coldOut)).toEqual(verdicts(warmOut));
  }, 120_000);

  it('replaces a worker started ahead that died before its run', async () => {
    const waiting = waitingPids();
    expect(waiting.length).toBeGreaterThan(0);
    const [host] = warm.keep();
    for (const pid of waiting) process.kill(pid, 'SIGKILL');
    const next = await run({ files: [file('switch.test.ts')], mutant: 'M2' });
    expect(next.warmFailed).toBeUndefined();
    expect(states(next)).toEqual(['sees M2: passed', 'sees no mutant: failed']);
    expect(warm.keep()[0]).toBe(host);
  }, 120_000);

  it('kills a run that hangs (the event file stalls) with its process, and serves the next run from a fresh one', async () => {
    if (warm.keep().length === 0) await run({ files: [file('switch.test.ts')], mutant: 'M2' });
    const [before] = warm.keep();
    const hung = await run({ files: [file('hang.test.ts')] }, 1500);
    expect(hung.killedBy).toBe('stall');
    expect(hung.results).toEqual([]);
    // The run ends once its whole process group has: what follows it (guard.mjs assess) takes a
    // process still alive for one a test left running, and a worker a moment from death is not one
    // (that mistake sent every hang's file to be run again, its timeout paid twice).
    expect(before).toBeTypeOf('number');
    expect(groupMembers(before as number)).toEqual([]);
    const next = await run({ files: [file('switch.test.ts')], mutant: 'M2' });
    expect(next.warmFailed).toBeUndefined();
    expect(states(next)).toEqual(['sees M2: passed', 'sees no mutant: failed']);
    expect(warm.keep()[0]).not.toBe(before);
  }, 120_000);

  it('reports a run whose vitest a test killed as failed (nothing of it is a verdict), and recovers', async () => {
    const killed = await run({ files: [file('kills.test.ts')] });
    expect(killed.warmFailed).toMatch(/exited during a run/);
    const next = await run({ files: [file('switch.test.ts')], mutant: 'M2' });
    expect(states(next)).toEqual(['sees M2: passed', 'sees no mutant: failed']);
  }, 120_000);

  it('signs every event with a key of that run only, kept out of the workers\' environment: lines a test appends are dropped', async () => {
    const io = JSON.stringify(join(dir, 'io'));
    writeFileSync(file('forges.test.ts'), [
      "import { appendFileSync, readdirSync } from 'node:fs';",
      "import { join } from 'node:path';",
      "import { expect, it } from 'vitest';",
      "it('finds no key', () => { expect(Object.values(process.env).filter((v) => /^[0-9a-f]{64}$/.test(v ?? ''))).toEqual([]); });",
      "it('forges a pass', () => {",
      `  for (const f of readdirSync(${io}).filter((n) => n.endsWith('.events.jsonl'))) appendFileSync(join(${io}, f), JSON.stringify({ ev: 'result', file: 'x', name: 'forged', names: ['forged'], state: 'passed', errors: [] }) + '\\t' + 'ab'.repeat(32) + '\\n');`,
      '  expect(1).toBe(2);',
      '});',
    ].join('\n'));
    const out = await run({ files: [file('forges.test.ts')] });
    expect(out.forged).toBeGreaterThan(0);
    expect(states(out)).toEqual(['finds no key: passed', 'forges a pass: failed']);
  }, 120_000);

  it('starts workers ahead only under the vitest whose pool worker it mirrors (4.1); others keep vitest\'s forks pool', () => {
    expect(['4.1.0', '4.1.12', '4.2.0', '5.0.0', '4.0.16', ''].map((v) => preforkSupported(v))).toEqual([true, true, false, false, false, false]);
  });

  it('is not offered for a runner other than vitest', () => {
    expect(createWarmVitestRunner({ projectDir: project, ioDir: join(dir, 'io-jest'), cold: { name: 'jest' } })).toBeUndefined();
  });

  it('is offered from vitest 4.1 only: 4.0\'s createSpecification takes line numbers, not a name filter', () => {
    for (const [version, offered] of [['4.0.16', false], ['4.1.0', true], ['5.0.0', true], ['3.2.4', false]] as const) {
      const p = join(dir, `v${version}`);
      const pkg = join(p, 'node_modules', 'vitest');
      mkdirSync(join(pkg, 'dist'), { recursive: true });
      mkdirSync(join(p, '.tfactory'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'vitest', version, exports: { './node': { import: './dist/node.js' } } }));
      writeFileSync(join(pkg, 'dist', 'node.js'), 'export {};\n');
      writeFileSync(join(p, '.tfactory', 'vitest.config.mjs'), 'export default {};\n');
      const warm = createWarmVitestRunner({ projectDir: p, ioDir: join(dir, `io-${version}`), cold: { name: 'vitest' } }) as WarmRunner | undefined;
      expect(Boolean(warm), version).toBe(offered);
      warm?.close();
    }
  });
});

/**
 * A screening run (runtime/mutation-phase.mjs): copies of one test file, each with its own mutant
 * (TF_MUTANTS), sharing workers on the warm vitest, each copy on freshly evaluated modules and the
 * environment as the run began; the cold vitest runs the same spec one fresh worker per copy.
 */
describe('a screening run of the warm vitest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-warm-screen-'));
  const project = join(dir, 'project');
  const pids = join(dir, 'pids.txt');
  const copies = [0, 1, 2, 3].map((i) => join(project, 'test', `count.tfm${i}.test.ts`));
  const others = [0, 1, 2, 3].map((i) => join(project, 'test', `other.tfm${i}.test.ts`));
  const thirds = [0, 1, 2, 3].map((i) => join(project, 'test', `third.tfm${i}.test.ts`));
  const fourths = [0, 1, 2, 3].map((i) => join(project, 'test', `fourth.tfm${i}.test.ts`));
  let warm: WarmRunner & { screens?: boolean };
  let cold: { run: WarmRunner['run'] };

  beforeAll(() => {
    mkdirSync(join(project, 'test'), { recursive: true });
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'screen', type: 'module', devDependencies: { vitest: '^4.0.0' } }));
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(join(project, 'src', 'counter.ts'), 'let n = 0;\nexport const next = (): number => { n += 1; return n; };\n');
    const text = [
      "import { appendFileSync } from 'node:fs';",
      "import { expect, it } from 'vitest';",
      "import { next } from '../src/counter';",
      "it('sees its own mutant', () => {",
      `  appendFileSync(${JSON.stringify(pids)}, process.pid + ' ' + (expect.getState().testPath ?? '').split('/').pop()?.split('.')[0] + '\\n');`,
      "  const copy = /(?:count|other|third|fourth)\\.tfm(\\d)\\./.exec(expect.getState().testPath ?? '')?.[1];",
      "  expect((globalThis as Record<string, unknown>).__tfMutant).toBe(`M${copy}`);",
      '});',
      "it('starts on fresh modules and a clean environment', () => {",
      '  expect(next()).toBe(1);',
      '  expect(process.env.TF_LEFT_BEHIND).toBeUndefined();',
      "  process.env.TF_LEFT_BEHIND = 'yes';",
      '});',
    ].join('\n');
    for (const c of [...copies, ...others, ...thirds, ...fourths]) writeFileSync(c, text);
    const c = createVitestRunner({ projectDir: project, supportDir: join(tsRuntimeDir(), 'support'), ioDir: join(dir, 'io-cold') });
    c.prepare();
    cold = c;
    warm = createWarmVitestRunner({ projectDir: project, ioDir: join(dir, 'io'), cold: c }) as WarmRunner & { screens?: boolean };
  });
  afterAll(() => {
    warm?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const spec = () => ({ files: copies, screen: Object.fromEntries(copies.map((c, i) => [c, `M${i}`])), testTimeoutMs: 5000, deadlineMs: 60_000, stallMs: 20_000 });
  /** The workers that ran tests since the last call, each with the files (count, other) it ran copies of. */
  const ranBy = (): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    for (const line of readFileSync(pids, 'utf8').trim().split('\n')) {
      const [pid = '', file = ''] = line.split(' ');
      out.set(pid, (out.get(pid) ?? new Set()).add(file));
    }
    rmSync(pids);
    return out;
  };
  const workers = (): number => ranBy().size;

  it('runs every copy against its own mutant, in fewer workers than copies, each on fresh modules', async () => {
    // Known once the host is up: it says the project's environment (node) allows screening.
    expect(warm.screens).toBe(false);
    const out = await warm.run(spec());
    expect(warm.screens).toBe(true);
    expect(out.warmFailed).toBeUndefined();
    expect(out.results.map((r) => r.state)).toEqual(Array(8).fill('passed'));
    expect(workers()).toBeLessThanOrEqual(2);
  }, 120_000);

  it('after a screening run, the next run of the warm vitest gets fresh workers again', async () => {
    const out = await warm.run({ files: copies.slice(0, 2), mutant: 'M0', testTimeoutMs: 5000, deadlineMs: 60_000, stallMs: 20_000 });
    const states = out.results.map((r) => `${r.file.endsWith('tfm0.test.ts') ? 0 : 1} ${r.name}: ${r.state}`).sort();
    // Copy 1 sees M0 now (one mutant for the run), and each file starts on fresh modules in its own worker.
    expect(states).toEqual(['0 sees its own mutant: passed', '0 starts on fresh modules and a clean environment: passed',
      '1 sees its own mutant: failed', '1 starts on fresh modules and a clean environment: passed']);
    expect(workers()).toBe(2);
  }, 120_000);

  it('screens copies of several files in one run, each file\'s copies in workers of their own', async () => {
    const screen = Object.fromEntries([...copies, ...others].map((c, i) => [c, `M${i % 4}`]));
    const several = { ...spec(), files: [...copies, ...others], screen, screenGroups: [copies, others] };
    const out = await warm.run(several);
    expect(out.warmFailed).toBeUndefined();
    expect(out.results.map((r) => r.state)).toEqual(Array(16).fill('passed'));
    const byWorker = ranBy();
    // Never a worker that ran copies of both files: one candidate never runs where another ran.
    expect([...byWorker.values()].map((files) => [...files].join(','))).toEqual(expect.arrayContaining(['count', 'other']));
    for (const files of byWorker.values()) expect(files.size).toBe(1);
    // Still shared within a file: fewer workers than copies.
    expect(byWorker.size).toBeLessThanOrEqual(4);
  }, 120_000);

  it('screens candidates taken in turns: a worker keeps to one file, and waits for that file\'s next copy', async () => {
    const lists = [copies, others, thirds, fourths];
    // The order the grader queues them in: copy 0 of each file, then copy 1 of each, ...
    const files = screenOrder(lists) as string[];
    expect(files.slice(0, 4)).toEqual(lists.map((l) => l[0]));
    const screen = Object.fromEntries(files.map((c) => [c, `M${/tfm(\d)/.exec(c)?.[1]}`]));
    const turns = { ...spec(), files, screen, screenGroups: lists };
    const out = await warm.run(turns);
    expect(out.warmFailed).toBeUndefined();
    expect(out.results.map((r) => r.state)).toEqual(Array(32).fill('passed'));
    const byWorker = ranBy();
    for (const ran of byWorker.values()) expect(ran.size).toBe(1);
    // vitest hands a worker on only to the next file in its queue, which here is always another
    // file's copy: without the pool keeping a file's worker for its next copy, every one of the 16
    // copies would start a worker. A file gets a second one only while its first is busy on the
    // other core.
    expect(byWorker.size).toBeLessThanOrEqual(8);
    expect(new Set([...byWorker.values()].map((ran) => [...ran][0]))).toEqual(new Set(['count', 'other', 'third', 'fourth']));
  }, 120_000);

  it('the cold vitest runs the same spec one fresh worker per copy, with the same verdicts', async () => {
    const out = await cold.run(spec());
    expect(out.results.map((r) => r.state)).toEqual(Array(8).fill('passed'));
    expect(workers()).toBe(4);
  }, 120_000);
});

/**
 * The base tree's warm vitest takes over head's warm process once head's runs are over
 * (runtime/runners/vitest-warm.mjs `from`): the same process opens the other project, whose tests
 * then run from its own folder against its own code; a head runner whose process is gone leaves
 * the base runner a fresh one.
 */
describe('a warm vitest that takes over the process of another copy of the project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-warm-adopt-'));
  const copy = (name: string, value: number): string => {
    const project = join(dir, name);
    mkdirSync(join(project, 'test'), { recursive: true });
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'adopt', type: 'module', devDependencies: { vitest: '^4.0.0' } }));
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(join(project, 'src', 'value.ts'), `export const value = (): number => ${value};\n`);
    writeFileSync(join(project, 'test', 'value.test.ts'), [
      "import { expect, it } from 'vitest';",
      "import { value } from '../src/value';",
      "it('is two', () => { expect(value()).toBe(2); });",
      `it('runs in its own folder', () => { expect(process.cwd()).toBe(${JSON.stringify(project)}); });`,
    ].join('\n'));
    return project;
  };
  const head = copy('head', 2);
  const base = copy('base', 1);
  const runners: WarmRunner[] = [];
  const warmOf = (project: string, from?: WarmRunner): WarmRunner => {
    const { warm: w } = runnersOver(project, join(dir, `io-${runners.length}`), from);
    runners.push(w);
    return w;
  };
  const runOn = (w: WarmRunner, project: string): Promise<RunOut> => w.run({ files: [join(project, 'test', 'value.test.ts')], testTimeoutMs: 5000, deadlineMs: 60_000, stallMs: 20_000 });
  const states = (out: RunOut): string[] => out.results.map((r) => `${r.name}: ${r.state}`).sort();
  afterAll(() => {
    for (const w of runners) w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the other project in the same process, from that project\'s folder and on its code', async () => {
    const onHead = warmOf(head);
    const first = await runOn(onHead, head);
    expect(first.warmFailed).toBeUndefined();
    expect(states(first)).toEqual(['is two: passed', 'runs in its own folder: passed']);
    const [hostPid] = onHead.keep();
    const onBase = warmOf(base, onHead);
    const second = await runOn(onBase, base);
    expect(second.warmFailed).toBeUndefined();
    // base's own code (1): its test fails there, as it must for a fail-to-pass.
    expect(states(second)).toEqual(['is two: failed', 'runs in its own folder: passed']);
    expect(onBase.keep()[0]).toBe(hostPid);
    // Head's runner has no process now: closing it leaves base's alone.
    onHead.close();
    const third = await runOn(onBase, base);
    expect(states(third)).toEqual(['is two: failed', 'runs in its own folder: passed']);
    expect(onBase.keep()[0]).toBe(hostPid);
  }, 120_000);

  it('starts a fresh process when the other runner has none left', async () => {
    const onHead = warmOf(head);
    expect(states(await runOn(onHead, head))).toEqual(['is two: passed', 'runs in its own folder: passed']);
    const [hostPid] = onHead.keep();
    onHead.reset();
    const onBase = warmOf(base, onHead);
    const out = await runOn(onBase, base);
    expect(out.warmFailed).toBeUndefined();
    expect(states(out)).toEqual(['is two: failed', 'runs in its own folder: passed']);
    expect(onBase.keep()[0]).not.toBe(hostPid);
  }, 120_000);
});

/**
 * A project that runs its test files one at a time (fileParallelism: false, so one worker): with
 * isolation off vitest hands all of a run's files to that one worker as one task, so the warm host
 * screens such a project a candidate at a time (runners/vitest-warm-host.mjs).
 */
describe('a screening run of a project that runs one test file at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-warm-serial-'));
  const project = join(dir, 'project');
  const pids = join(dir, 'pids.txt');
  const groups = ['alpha', 'beta'].map((name) => [0, 1, 2].map((i) => join(project, 'test', `${name}.tfm${i}.test.ts`)));
  let warm: WarmRunner;
  beforeAll(() => {
    mkdirSync(join(project, 'test'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'serial', type: 'module', devDependencies: { vitest: '^4.0.0' } }));
    writeFileSync(join(project, 'vitest.config.mjs'), 'export default { test: { fileParallelism: false } };\n');
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(project, 'node_modules'));
    const text = [
      "import { appendFileSync } from 'node:fs';",
      "import { expect, it } from 'vitest';",
      "it('notes its process', () => {",
      `  appendFileSync(${JSON.stringify(pids)}, process.pid + ' ' + (expect.getState().testPath ?? '').split('/').pop()?.split('.')[0] + '\\n');`,
      "  const copy = /\\.tfm(\\d)\\./.exec(expect.getState().testPath ?? '')?.[1];",
      "  expect((globalThis as Record<string, unknown>).__tfMutant).toBe(`M${copy}`);",
      '});',
    ].join('\n');
    for (const f of groups.flat()) writeFileSync(f, text);
    ({ warm } = runnersOver(project, dir));
  });
  afterAll(() => {
    warm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never runs two candidates\' copies in one process', async () => {
    const files = screenOrder(groups) as string[];
    const screen = Object.fromEntries(files.map((c) => [c, `M${/tfm(\d)/.exec(c)?.[1]}`]));
    const spec = { files, screen, screenGroups: groups, testTimeoutMs: 5000, deadlineMs: 60_000, stallMs: 20_000 };
    const out = await warm.run(spec);
    expect(out.warmFailed).toBeUndefined();
    expect(out.results.map((r) => r.state)).toEqual(Array(6).fill('passed'));
    const byWorker = new Map<string, Set<string>>();
    for (const line of readFileSync(pids, 'utf8').trim().split('\n')) {
      const [pid = '', file = ''] = line.split(' ');
      byWorker.set(pid, (byWorker.get(pid) ?? new Set()).add(file));
    }
    expect([...byWorker.values()].map((s) => [...s].join(',')).sort()).toEqual(['alpha', 'beta']);
  }, 120_000);
});
