import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderInput, GraderResult } from '../../../src/languages/types.js';
import { baseInput, FIXTURE, runEngineOnHost, testNamed } from './run-grader.js';

/** Writes the project `files` into `dir`, and grades it twice: screening, and the fresh way (TFACTORY_SCREEN_MUTANTS=0). */
async function screenedAndFresh(dir: string, files: Record<string, string>, input: GraderInput): Promise<{ screened: GraderResult; fresh: GraderResult }> {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const screened = await runEngineOnHost(input, process.env, dir);
  const fresh = await runEngineOnHost(input, { ...process.env, TFACTORY_SCREEN_MUTANTS: '0' }, dir);
  return { screened, fresh };
}

/** What screening must leave as the fresh way has it: every test's runs and mutant lists. */
const figures = (r: GraderResult) => r.tests.map((t) => ({ id: t.id, runs: t.runs.map((x) => x.outcome), ...t.mutants }));

// One real engine run over the pricing fixture (head vs base), shared by the assertions below.
describe('TS grader on the host: mutation, coverage, fail-to-pass', () => {
  let result: GraderResult;

  beforeAll(async () => {
    result = await runEngineOnHost(baseInput({
      candidateFiles: [
        'test/pricing.good.test.ts', 'test/pricing.loyalty.test.ts', 'test/pricing.noexpect.test.ts',
        'test/pricing.defined.test.ts', 'test/pricing.crash.test.ts', 'test/pricing.broken.test.ts',
      ],
      suiteFiles: ['test/existing.test.ts'],
      stabilityRuns: 2,
      mutation: true,
      baseDir: `${FIXTURE}/base`,
    }));
  }, 600_000);

  it('lists the executable changed lines, without declarations, braces or blank lines', () => {
    expect(result.changedExecutable).toEqual({ 'src/pricing.ts': [7, 8, 15, 22, 23] });
    expect(result.suiteCoveredChanged).toEqual({ 'src/pricing.ts': [7] });
  });

  it('records per-test changed-line coverage', () => {
    expect(testNamed(result, 'test/pricing.good.test.ts::shippingFee > is free from exactly 50').coveredChanged).toEqual({ 'src/pricing.ts': [15] });
    expect(testNamed(result, 'test/pricing.good.test.ts::applyDiscount > rejects a percent above 100').coveredChanged).toEqual({ 'src/pricing.ts': [7, 8] });
    expect(testNamed(result, 'test/pricing.loyalty.test.ts::doubles points for members').coveredChanged).toEqual({ 'src/pricing.ts': [22, 23] });
  });

  it('runs each test stabilityRuns times and all good tests pass', () => {
    const good = testNamed(result, 'test/pricing.good.test.ts::shippingFee > is free from exactly 50');
    expect(good.runs.map((r) => r.outcome)).toEqual(['passed', 'passed']);
    expect(result.executions).toBeGreaterThan(result.tests.length);
    expect(result.necessaryMs).toBeGreaterThan(0);
  });

  it('generates mutants only on changed lines, with the tests that reach them', () => {
    expect(new Set(result.mutants.map((m) => m.line))).toEqual(new Set([7, 15, 22, 23]));
    expect(new Set(result.mutants.map((m) => m.id)).size).toBe(result.mutants.length);
    // The mutation phase's wall time is measured for the run's stats.
    expect(result.mutationMs).toBeGreaterThan(0);
    // And the evaluation's time by phase, every phase in order, the runs' phases measured.
    expect(Object.keys(result.phasesMs ?? {})).toEqual(['instrument', 'prepare', 'head', 'suite', 'reruns', 'control', 'screen', 'confirm', 'fresh', 'base']);
    for (const phase of ['head', 'reruns', 'control', 'base']) expect(result.phasesMs?.[phase]).toBeGreaterThan(0);
    const boundary = result.mutants.find((m) => m.line === 15 && m.operator === 'comparison-boundary');
    expect(boundary?.description).toContain('>= becomes >');
    expect(boundary?.coveredBy).toContain('test/pricing.good.test.ts::shippingFee > is free from exactly 50');
    expect(boundary?.coveredBy).not.toContain('test/pricing.loyalty.test.ts::doubles points for members');
  });

  it('credits a boundary test with assertion kills of the boundary mutant', () => {
    const t = testNamed(result, 'test/pricing.good.test.ts::shippingFee > is free from exactly 50');
    const boundary = result.mutants.find((m) => m.line === 15 && m.operator === 'comparison-boundary');
    expect(t.mutants.killed).toContainEqual({ mutant: boundary?.id, by: 'assertion' });
    const below = testNamed(result, 'test/pricing.good.test.ts::shippingFee > charges below 50');
    expect(below.mutants.survived).toContain(boundary?.id);
    expect(t.mutants.notReached.length).toBeGreaterThan(0);
  });

  it('kills nothing with a test that has no expect, nor with toBeDefined only', () => {
    for (const id of ['test/pricing.noexpect.test.ts::calls without checking', 'test/pricing.defined.test.ts::returns something']) {
      const t = testNamed(result, id);
      expect(t.runs[0]?.outcome).toBe('passed');
      expect(t.mutants.killed).toEqual([]);
      expect(t.mutants.survived.length).toBeGreaterThan(0);
    }
  });

  it('labels kills by thrown exceptions as crash', () => {
    const t = testNamed(result, 'test/pricing.crash.test.ts::formats the points');
    expect(t.mutants.killed.length).toBeGreaterThan(0);
    expect(t.mutants.killed.every((k) => k.by === 'crash')).toBe(true);
    const returned = result.mutants.find((m) => m.line === 23 && m.operator === 'return-value');
    expect(t.mutants.killed.map((k) => k.mutant)).toContain(returned?.id);
  });

  it('detects fail-to-pass for the test of a new function and pass-to-pass for old behaviour', () => {
    const loyalty = testNamed(result, 'test/pricing.loyalty.test.ts::doubles points for members');
    expect(loyalty.runs[0]?.outcome).toBe('passed');
    expect(loyalty.onBase?.outcome).not.toBe('passed');
    expect(testNamed(result, 'test/pricing.good.test.ts::shippingFee > is free from exactly 50').onBase?.failureKind).toBe('assertion');
    expect(testNamed(result, 'test/pricing.good.test.ts::shippingFee > charges below 50').onBase?.outcome).toBe('passed');
  });

  it('reports a file that cannot be imported as an import failure and an infrastructure error', () => {
    const t = testNamed(result, 'test/pricing.broken.test.ts::cannot load');
    expect(t.runs[0]).toMatchObject({ outcome: 'error', failureKind: 'import' });
    expect(result.errors.some((e) => e.includes('pricing.broken.test.ts'))).toBe(true);
    expect(result.errors.filter((e) => !e.includes('pricing.broken.test.ts'))).toEqual([]);
  });
});

// GraderInput.settledFiles: files the static checks reject whole run on head only.
describe('TS grader on the host: settled files', () => {
  let result: GraderResult;

  beforeAll(async () => {
    result = await runEngineOnHost(baseInput({
      candidateFiles: ['test/pricing.good.test.ts', 'test/pricing.noexpect.test.ts'],
      suiteFiles: [],
      stabilityRuns: 2,
      mutation: true,
      baseDir: `${FIXTURE}/base`,
      settledFiles: ['test/pricing.noexpect.test.ts'],
    }));
  }, 600_000);

  it('runs a settled file once on head (outcome and coverage), never against mutants or base', () => {
    const t = testNamed(result, 'test/pricing.noexpect.test.ts::calls without checking');
    expect(t.settled).toBe(true);
    expect(t.runs.map((r) => r.outcome)).toEqual(['passed']);
    expect(Object.keys(t.coveredChanged)).toEqual(['src/pricing.ts']);
    expect(t.mutants.killed).toEqual([]);
    expect(t.mutants.survived).toEqual([]);
    expect(t.mutants.notReached.length).toBe(result.mutants.length);
    expect(t.onBase).toBeUndefined();
  });

  it('grades the other files in full', () => {
    const good = testNamed(result, 'test/pricing.good.test.ts::shippingFee > is free from exactly 50');
    expect(good.settled).toBeUndefined();
    expect(good.runs.map((r) => r.outcome)).toEqual(['passed', 'passed']);
    expect(good.mutants.killed.length).toBeGreaterThan(0);
    expect(good.onBase).toBeDefined();
  });
});

// Mutants are screened on the warm vitest (runtime/mutation-phase.mjs): copies of a test file share a
// worker, one mutant each, and one kill per test is confirmed in a fresh process. A test that keeps
// state in the process across those copies "kills" mutants there and nowhere else.
describe('TS grader on the host: mutants screened in shared workers, kills confirmed fresh', () => {
  let result: GraderResult;

  beforeAll(async () => {
    result = await runEngineOnHost(baseInput({
      candidateFiles: ['test/pricing.good.test.ts', 'test/pricing.remembers.test.ts'],
      stabilityRuns: 1,
      mutation: true,
    }));
  }, 600_000);

  it('gives a test that remembers values across runs no kill: its file is graded again, one fresh process per mutant', () => {
    const cheat = testNamed(result, 'test/pricing.remembers.test.ts::remembers what it saw');
    expect(cheat.runs.map((r) => r.outcome)).toEqual(['passed']);
    expect(cheat.mutants.survived.length).toBeGreaterThan(2);
    expect(cheat.mutants.killed).toEqual([]);
    expect(result.errors.join('\n')).toContain('did not happen again in a fresh process for test/pricing.remembers.test.ts');
  });

  it('grades the honest file beside it by screening, with the kills a fresh run per mutant gives', async () => {
    const fresh = await runEngineOnHost(baseInput({ candidateFiles: ['test/pricing.good.test.ts'], stabilityRuns: 1, mutation: true }), { ...process.env, TFACTORY_SCREEN_MUTANTS: '0' });
    expect(fresh.tests.length).toBeGreaterThan(3);
    for (const t of fresh.tests) {
      const screened = testNamed(result, t.id);
      expect({ id: t.id, ...screened.mutants }).toEqual({ id: t.id, ...t.mutants });
    }
    expect(fresh.tests.flatMap((t) => t.mutants.killed).length).toBeGreaterThan(5);
    expect(result.errors.join('\n')).not.toContain('pricing.good.test.ts');
  }, 600_000);
});

// A mutant that makes a loop endless, met while screening: the grader stops the shared worker, the
// test gets a timeout kill, and the copies not yet run are screened again on a new warm vitest: the
// figures are those of a fresh process per mutant. Module state, vi.mock and the project's setup file as well.
describe('TS grader on the host: screening meets an endless loop, module state and mocks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-screen-loop-'));
  const input = baseInput({
    candidateFiles: ['test/steps.test.ts', 'test/cart.test.ts'], stabilityRuns: 1, mutation: true, perTestTimeoutMs: 3000,
    changedRanges: { 'src/cart.ts': [{ start: 1, end: 30 }] },
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same kills, a timeout among them, as a fresh process per mutant', async () => {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'steps', type: 'module', devDependencies: { vitest: '^4.1.0' } }),
      'vitest.config.ts': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { setupFiles: ['./test/setup.ts'] } });\n",
      'test/setup.ts': '(globalThis as Record<string, unknown>).RATE = 2;\n',
      'src/price.ts': "export async function price(): Promise<number> {\n  throw new Error('network');\n}\n",
      'src/cart.ts': [
        "import { price } from './price';",
        'let calls = 0;',
        'export async function total(n: number): Promise<number> {',
        '  calls += 1;',
        '  const p = await price();',
        '  return n > 10 ? n * p * 0.5 : n * p;',
        '}',
        'export function callCount(): number {',
        '  return calls;',
        '}',
        'export function steps(n: number, step: number): number {',
        '  let i = 0;',
        '  let count = 0;',
        '  while (i < n) {',
        '    i += step;',
        '    count += 1;',
        '  }',
        '  return count * (globalThis as Record<string, number>).RATE;',
        '}',
      ].join('\n'),
      'test/steps.test.ts': "import { expect, it } from 'vitest';\nimport { steps } from '../src/cart';\nit('counts steps', () => {\n  expect(steps(10, 3)).toBe(8);\n  expect(steps(0, 3)).toBe(0);\n});\n",
      'test/cart.test.ts': [
        "import { expect, it, vi } from 'vitest';",
        "import { callCount, total } from '../src/cart';",
        "vi.mock('../src/price', () => ({ price: async () => 3 }));",
        "it('totals on fresh module state', async () => {",
        '  expect(await total(2)).toBe(6);',
        '  expect(callCount()).toBe(1);',
        '});',
        "it('halves big carts', async () => {",
        '  expect(await total(12)).toBe(18);',
        '});',
      ].join('\n'),
    };
    const { screened, fresh } = await screenedAndFresh(dir, files, input);
    expect(figures(screened)).toEqual(figures(fresh));
    expect(screened.errors).toEqual([]);
    expect(testNamed(screened, 'test/steps.test.ts::counts steps').mutants.killed.map((k) => k.by)).toContain('timeout');
    expect(testNamed(screened, 'test/cart.test.ts::totals on fresh module state').mutants.killed.length).toBeGreaterThan(2);
  }, 600_000);
});

// A project that treats a test file by its name (seen on unjs/unctx: a plugin transforms only files
// named `*async.test*`): a copy under the grader's name crashes with every mutant, and screening
// would take those crashes for kills. The copy run with the control mutant fails too, so the file is
// graded the fresh way, with the fresh way's figures, and the notes say why.
describe('TS grader on the host: screening a project that treats test files by their names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-screen-named-'));
  const input = baseInput({
    candidateFiles: ['test/magic.test.ts'], stabilityRuns: 1, mutation: true,
    changedRanges: { 'src/calc.ts': [{ start: 1, end: 12 }] },
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('grades the file the fresh way, with the same figures, and says why', async () => {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'named', type: 'module', devDependencies: { vitest: '^4.1.0' } }),
      'vitest.config.ts': [
        "import { defineConfig } from 'vitest/config';",
        'export default defineConfig({',
        "  plugins: [{ name: 'magic', transform: (code: string, id: string) => (id.includes('magic.test') ? code.replaceAll('__MAGIC__', '7') : undefined) }],",
        '});',
      ].join('\n'),
      'src/calc.ts': [
        'export function add(a: number, b: number): number {',
        '  return a + b;',
        '}',
        'export function twice(n: number): number {',
        '  return n > 0 ? n * 2 : 0;',
        '}',
        'export function half(n: number): number {',
        '  return n / 2;',
        '}',
      ].join('\n'),
      'test/magic.test.ts': [
        "import { expect, it } from 'vitest';",
        "import { add, half, twice } from '../src/calc';",
        'declare const __MAGIC__: number;',
        "it('adds the magic number', () => {",
        '  expect(add(__MAGIC__, 1)).toBe(8);',
        '  expect(twice(3)).toBe(6);',
        '  expect(half(__MAGIC__ + 1)).toBe(4);',
        '});',
      ].join('\n'),
    };
    const { screened, fresh } = await screenedAndFresh(dir, files, input);
    expect(figures(screened)).toEqual(figures(fresh));
    // The fresh way kills by value checks and leaves a mutant that changes nothing here (n >= 0) alive.
    const only = testNamed(fresh, 'test/magic.test.ts::adds the magic number');
    expect(only.mutants.killed.length).toBeGreaterThan(2);
    expect(only.mutants.killed.every((k) => k.by === 'assertion')).toBe(true);
    expect(only.mutants.survived.length).toBeGreaterThan(0);
    expect(screened.errors.join('\n')).toContain("a copy of test/magic.test.ts under the grader's name for it did not pass");
  }, 600_000);
});
