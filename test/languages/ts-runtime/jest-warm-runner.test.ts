import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { createJestRunner } from '../../../src/languages/typescript/runtime/runners/jest.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { createWarmJestRunner } from '../../../src/languages/typescript/runtime/runners/jest-warm.mjs';
import { tsRuntimeDir } from '../../../src/languages/typescript/runtime-path.js';
import { installedPackages } from '../../helpers/npm-packages.js';

interface Result { file: string; name: string; state: string }
interface RunOut {
  warmFailed?: string; killedBy?: string | null; forged: number; results: Result[]; collected: unknown[]; hits: Array<{ name: string; hits: string[] }>;
}
interface Spec { files: string[]; tests?: Array<{ file: string; name: string; names: string[] }>; mutant?: string; seed?: number; last?: boolean }
interface Runner {
  run(spec: Spec & { testTimeoutMs: number; deadlineMs: number; stallMs: number }): Promise<RunOut>;
}
interface WarmRunner extends Runner {
  keep(): number[];
  reset(): void;
  close(): void;
  usable(): boolean;
}

/**
 * The warm jest runner (runtime/runners/jest-warm.mjs) on the host, with real installs of jest 29
 * and 30 from the npm registry, over a small CommonJS project of its own: one long-lived jest
 * process runs many invocations, each with its own mutant and test names, while every run's tests
 * get fresh worker processes (never the warm process); a hang is killed and the next run served by
 * a fresh process; a run whose jest a test killed is reported as such (run-tests.mjs makes it cold);
 * and a warm run gives what a cold run gives.
 */
describe.each([
  { label: 'jest 29', install: ['jest29', ['jest@29.7.0']] as [string, string[]] },
  { label: 'jest 30', install: ['jest30-babel', ['jest@30.5.2', '@babel/core@7.29.16', '@babel/preset-env@7.29.14', '@babel/preset-typescript@7.29.7']] as [string, string[]] },
])('the warm jest runner ($label)', ({ install }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-jest-warm-'));
  const project = join(dir, 'project');
  const file = (name: string): string => join(project, 'test', name);
  const pidLog = join(dir, 'pids.log');
  let cold: Runner & { prepare(): void };
  let warm: WarmRunner;
  const limits = (stallMs = 15_000) => ({ testTimeoutMs: 5000, deadlineMs: 120_000, stallMs });
  const run = (spec: Spec, stallMs?: number): Promise<RunOut> => warm.run({ ...limits(stallMs), ...spec });
  const states = (out: RunOut): string[] => out.results.map((r) => `${r.name}: ${r.state}`).sort();
  /** The pid and mutant of each run of the `pid` test so far. */
  const testRuns = (): Array<{ pid: number; mutant: string }> => readFileSync(pidLog, 'utf8').trim().split('\n').map((l) => ({ pid: Number(l.split(' ')[0]), mutant: l.split(' ')[1] ?? '' }));

  beforeAll(() => {
    mkdirSync(join(project, 'test'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'warm-jest', private: true, jest: { testEnvironment: 'node' }, devDependencies: { jest: '*' } }));
    symlinkSync(installedPackages(...install), join(project, 'node_modules'));
    writeFileSync(file('switch.test.js'), [
      "it('sees M2', () => { expect(globalThis.__tfMutant).toBe('M2'); });",
      "it('sees no mutant', () => { expect(globalThis.__tfMutant).toBe(''); });",
      "describe('pid', () => { it('writes its process', () => { require('node:fs').appendFileSync(" + JSON.stringify(pidLog) + ", process.pid + ' ' + globalThis.__tfMutant + '\\n'); }); });",
    ].join('\n'));
    writeFileSync(file('hang.test.js'), "it('loops', () => { for (;;) { /* never ends */ } });\n");
    writeFileSync(file('kills.test.js'), "it('kills its runner', () => { process.kill(process.ppid, 'SIGKILL'); });\n");
    cold = createJestRunner({ projectDir: project, supportDir: join(tsRuntimeDir(), 'support'), ioDir: join(dir, 'io-cold') });
    cold.prepare();
    warm = createWarmJestRunner({ projectDir: project, ioDir: join(dir, 'io'), cold }) as WarmRunner;
  }, 300_000);
  afterAll(() => {
    warm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('switches the mutant between runs of one warm jest, runs only the named tests, and runs them in fresh workers, never in itself', async () => {
    expect(warm).toBeDefined();
    const first = await run({ files: [file('switch.test.js')], mutant: 'M2' });
    expect(first.warmFailed).toBeUndefined();
    expect(first.forged).toBe(0);
    expect(states(first)).toEqual(['pid > writes its process: passed', 'sees M2: passed', 'sees no mutant: failed']);
    const [host] = warm.keep();
    const named = { file: file('switch.test.js'), name: 'sees no mutant', names: ['sees no mutant'] };
    const pid = { file: file('switch.test.js'), name: 'pid > writes its process', names: ['pid', 'writes its process'] };
    const second = await run({ files: [file('switch.test.js')], tests: [named, pid] });
    expect(states(second)).toEqual(['pid > writes its process: passed', 'sees M2: skipped', 'sees no mutant: passed']);
    const third = await run({ files: [file('switch.test.js')], tests: [named, pid], mutant: 'M3', seed: 7 });
    expect(states(third)).toEqual(['pid > writes its process: passed', 'sees M2: skipped', 'sees no mutant: failed']);
    // the same jest process served all three; each run's tests ran in a process of their own
    expect(warm.keep()[0]).toBe(host);
    const pids = testRuns().map((r) => r.pid);
    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(host);
  }, 120_000);

  it('runs each run\'s tests in a worker started ahead, while the run before it executed, with that run\'s environment', async () => {
    const pid = { file: file('switch.test.js'), name: 'pid > writes its process', names: ['pid', 'writes its process'] };
    const seen = testRuns().length;
    const ownedBefore: number[][] = [];
    for (const mutant of ['M5', '', 'M6']) {
      ownedBefore.push(warm.keep());
      const out = await run({ files: [file('switch.test.js')], tests: [pid], mutant });
      expect(out.warmFailed).toBeUndefined();
      expect(states(out)).toContain('pid > writes its process: passed');
    }
    const runs = testRuns().slice(seen);
    expect(runs.map((r) => r.mutant)).toEqual(['M5', '', 'M6']);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(3);
    // each worker was a process of the warm jest's, waiting, before its run began
    runs.forEach((r, i) => expect(ownedBefore[i], `run ${i}`).toContain(r.pid));
  }, 120_000);

  it('starts no worker ahead during a run said to be the last, and one again during the next run', async () => {
    const pid = { file: file('switch.test.js'), name: 'pid > writes its process', names: ['pid', 'writes its process'] };
    /** The workers started ahead, waiting for a run (jest-prefork-entry.cjs), among the pids the warm process owns. */
    const waiting = (): number[] => warm.keep().filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes('jest-prefork-entry.cjs');
      } catch {
        return false;
      }
    });
    await run({ files: [file('switch.test.js')], tests: [pid], mutant: 'M7' });
    const before = waiting();
    expect(before).toHaveLength(1);
    const last = await run({ files: [file('switch.test.js')], tests: [pid], mutant: 'M8', last: true });
    expect(states(last)).toContain('pid > writes its process: passed');
    // served by the worker that was waiting, and none waits after it
    expect(testRuns().at(-1)).toEqual({ pid: before[0], mutant: 'M8' });
    expect(waiting()).toEqual([]);
    const after = await run({ files: [file('switch.test.js')], tests: [pid], mutant: 'M9' });
    expect(states(after)).toContain('pid > writes its process: passed');
    expect(testRuns().at(-1)?.mutant).toBe('M9');
    expect(waiting()).toHaveLength(1);
  }, 120_000);

  it('gives what a cold run gives: results, names and per-test hits', async () => {
    const spec = { files: [file('switch.test.js')], mutant: 'M2' };
    const w = await run(spec);
    const c = await cold.run({ ...limits(), ...spec });
    expect(states(w)).toEqual(states(c));
    expect(w.collected).toEqual(c.collected);
    expect(w.hits).toEqual(c.hits);
  }, 120_000);

  it('kills a run that hangs (the hits file stalls) with its process, and serves the next run from a fresh one', async () => {
    if (warm.keep().length === 0) await run({ files: [file('switch.test.js')], mutant: 'M2' });
    const [before] = warm.keep();
    const hung = await run({ files: [file('hang.test.js')] }, 2000);
    expect(hung.killedBy).toBe('stall');
    expect(hung.results).toEqual([]);
    const next = await run({ files: [file('switch.test.js')], mutant: 'M2' });
    expect(next.warmFailed).toBeUndefined();
    expect(states(next)).toEqual(['pid > writes its process: passed', 'sees M2: passed', 'sees no mutant: failed']);
    expect(warm.keep()[0]).not.toBe(before);
  }, 120_000);

  it('reports a run whose jest a test killed as failed (nothing of it is a verdict), and recovers', async () => {
    const killed = await run({ files: [file('kills.test.js')] });
    expect(killed.warmFailed).toMatch(/exited during a run/);
    const next = await run({ files: [file('switch.test.js')], mutant: 'M2' });
    expect(states(next)).toEqual(['pid > writes its process: passed', 'sees M2: passed', 'sees no mutant: failed']);
    expect(warm.usable()).toBe(true);
  }, 120_000);

  it('drops event lines a test appends without the run\'s key, whose file the reporter deleted before the tests ran', async () => {
    writeFileSync(file('forges.test.js'), [
      "const { appendFileSync, existsSync } = require('node:fs');",
      "it('finds no key', () => {",
      "  expect(Object.values(process.env).filter((v) => /^[0-9a-f]{64}$/.test(v ?? ''))).toEqual([]);",
      "  expect(existsSync(process.env.TF_EVENTS + '.key')).toBe(false);",
      '});',
      "it('forges a pass', () => {",
      "  appendFileSync(process.env.TF_EVENTS, JSON.stringify({ ev: 'result', file: 'x', name: 'forged', names: ['forged'], state: 'passed', errors: [] }) + '\\t' + 'ab'.repeat(32) + '\\n');",
      '  expect(1).toBe(2);',
      '});',
    ].join('\n'));
    const out = await run({ files: [file('forges.test.js')] });
    expect(out.forged).toBeGreaterThan(0);
    expect(states(out)).toEqual(['finds no key: passed', 'forges a pass: failed']);
  }, 120_000);
});

describe('the warm jest runner, offered', () => {
  it('only over a prepared jest runner', () => {
    expect(createWarmJestRunner({ projectDir: tmpdir(), ioDir: tmpdir(), cold: { name: 'vitest' } })).toBeUndefined();
    expect(createWarmJestRunner({ projectDir: tmpdir(), ioDir: tmpdir(), cold: { name: 'jest', install: { pkgDir: undefined, configPath: '/nonexistent', execArgv: [] }, unsupported: () => undefined } })).toBeUndefined();
  });
});
