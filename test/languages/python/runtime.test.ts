import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderResult, GradedTest } from '../../../src/languages/types.js';
import { lineOf, requireHostPython, runGrader, SOURCE, stageFixture } from './runtime-helpers.js';

const hasPython = requireHostPython();

describe.skipIf(!hasPython)('python evaluation runtime (host /usr/bin/python3)', () => {
  const staged = stageFixture();
  const src = join(staged.head, SOURCE);
  const line = (text: string): number => lineOf(src, text);
  let result: GraderResult;
  let mutantOperator: Map<string, string>;

  const test = (name: string): GradedTest => {
    const found = result.tests.find((t) => t.name === name);
    if (!found) throw new Error(`no test ${name} in ${result.tests.map((t) => t.id).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    const changed = [
      { start: line('if total >= 100:'), end: line('return total - 10') },
      { start: line('def checked_quantity(qty):'), end: line('return price * checked_quantity(qty)') },
    ];
    ({ result } = await runGrader(staged.dir, staged.head, {
      projectRoot: '.',
      candidateFiles: staged.candidates,
      suiteFiles: ['tests/test_existing.py'],
      changedRanges: { [SOURCE]: changed },
      stabilityRuns: 3,
      seed: 1,
      perTestTimeoutMs: 1500,
      mutation: true,
      maxMutants: 40,
      baseDir: staged.base,
    }));
    mutantOperator = new Map(result.mutants.map((m) => [m.id, m.operator]));
  }, 300_000);

  afterAll(() => rmSync(staged.dir, { recursive: true, force: true }));

  it('names tests <file>::<Class>::<name> and finds every candidate function', () => {
    expect(result.tests.map((t) => t.id)).toContain('tests/test_cand_discount.py::TestHalf::test_half');
    expect(result.tests.map((t) => t.name).sort()).toEqual(
      ['TestHalf::test_half', 'test_bulk_discount', 'test_flaky', 'test_hangs_in_a_loop', 'test_hangs_in_c_sleep', 'test_item_total', 'test_item_total_without_checks', 'test_never_runs', 'test_no_assertion', 'test_only_not_none'].sort(),
    );
  });

  it('counts changed executable lines without def lines', () => {
    expect(result.changedExecutable[SOURCE]).toEqual([
      line('if total >= 100:'), line('return total - 10'), line('if qty < 0:'), line('raise ValueError("negative quantity")'), line('return qty'), line('return price * checked_quantity(qty)'),
    ]);
    expect(result.changedExecutable[SOURCE]).not.toContain(line('def item_total(price, qty):'));
  });

  it('gives per-test coverage of changed body lines only', () => {
    expect(test('test_bulk_discount').coveredChanged).toEqual({ [SOURCE]: [line('if total >= 100:'), line('return total - 10')] });
    expect(test('test_item_total').coveredChanged).toEqual({
      [SOURCE]: [line('if qty < 0:'), line('raise ValueError("negative quantity")'), line('return qty'), line('return price * checked_quantity(qty)')],
    });
    expect(test('TestHalf::test_half').coveredChanged).toEqual({});
    expect(result.suiteCoveredChanged).toEqual({ [SOURCE]: [line('if total >= 100:'), line('return total - 10')] });
  });

  it('puts mutants only on changed lines of the source file', () => {
    expect(result.mutants.length).toBeGreaterThan(5);
    // The mutation phase's wall time is measured for the run's stats.
    expect(result.mutationMs).toBeGreaterThan(0);
    const allowed = new Set(result.changedExecutable[SOURCE]);
    for (const m of result.mutants) {
      expect(m.file).toBe(SOURCE);
      expect(allowed.has(m.line)).toBe(true);
    }
    expect(new Set(result.mutants.map((m) => m.operator))).toEqual(new Set(['branch', 'boundary', 'constant', 'return', 'arithmetic', 'statement']));
  });

  it('a strong test kills the mutants it reaches by assertion', () => {
    const strong = test('test_bulk_discount');
    const reached = result.mutants.filter((m) => m.coveredBy.includes(strong.id)).map((m) => m.id);
    expect(reached.length).toBeGreaterThanOrEqual(5);
    expect(strong.mutants.killed.map((k) => k.mutant).sort()).toEqual([...reached].sort());
    expect(strong.mutants.killed.every((k) => k.by === 'assertion')).toBe(true);
    expect(strong.mutants.survived).toEqual([]);
  });

  it('a test without assertions kills none; one that checks only `is not None` kills only return→None', () => {
    const none = test('test_no_assertion');
    expect(none.mutants.killed).toEqual([]);
    expect(none.mutants.survived.length).toBeGreaterThanOrEqual(5);
    const weak = test('test_only_not_none');
    expect(weak.mutants.survived.length).toBeGreaterThanOrEqual(4);
    expect(weak.mutants.killed.map((k) => mutantOperator.get(k.mutant))).toEqual(['return']);
  });

  it("a test that only kills by an exception in the mutated code is 'crash'", () => {
    const crashOnly = test('test_item_total_without_checks');
    expect(crashOnly.mutants.killed.length).toBeGreaterThan(0);
    expect(crashOnly.mutants.killed.every((k) => k.by === 'crash')).toBe(true);
    const strong = test('test_item_total');
    expect(strong.mutants.killed.some((k) => k.by === 'assertion')).toBe(true);
  });

  it('shows a flaky test as mixed outcomes over the stability runs', () => {
    const outcomes = test('test_flaky').runs.map((r) => r.outcome);
    expect(outcomes).toHaveLength(3);
    expect(outcomes).toContain('passed');
    expect(outcomes).toContain('failed');
    expect(test('test_bulk_discount').runs.map((r) => r.outcome)).toEqual(['passed', 'passed', 'passed']);
  });

  it('kills hanging tests (a busy loop and a C-level sleep) and still runs the others', () => {
    for (const name of ['test_hangs_in_a_loop', 'test_hangs_in_c_sleep']) {
      expect(test(name).runs.map((r) => r.failureKind)).toEqual(['timeout', 'timeout', 'timeout']);
    }
    expect(test('TestHalf::test_half').runs.every((r) => r.outcome === 'passed')).toBe(true);
  });

  it('reports an unimportable candidate file per test and in errors, without spoiling the others', () => {
    const broken = test('test_never_runs');
    expect(broken.runs[0]).toMatchObject({ outcome: 'error', failureKind: 'import' });
    expect(broken.runs[0]?.message).toContain('shop.no_such_module');
    expect(result.errors.some((e) => e.includes('tests/test_cand_broken.py'))).toBe(true);
    expect(test('test_item_total').runs[0]?.outcome).toBe('passed');
  });

  it('runs each candidate on base: fail-to-pass, and an import error on base counts as failing', () => {
    expect(test('test_bulk_discount').onBase).toMatchObject({ outcome: 'failed', failureKind: 'assertion' });
    expect(test('test_item_total').onBase).toMatchObject({ outcome: 'error', failureKind: 'import' });
    expect(test('TestHalf::test_half').onBase?.outcome).toBe('passed');
  });

  it('counts executions and the necessary time', () => {
    const stabilityAndBase = result.tests.filter((t) => t.name !== 'test_never_runs').length * 4;
    expect(result.executions).toBeGreaterThan(stabilityAndBase);
    expect(result.necessaryMs).toBeGreaterThanOrEqual(3000); // the two hanging tests alone cost 2 × 1500 ms
  });
});
