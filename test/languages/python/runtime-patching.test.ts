import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderMutant, GraderResult, GradedTest } from '../../../src/languages/types.js';
import { lineOf, requireHostPython, runGrader } from './runtime-helpers.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/eval/python-shapes/head');
const SOURCE = 'src/geo/shapes.py';

describe.skipIf(!requireHostPython())('python runtime: swapping __code__ on awkward function shapes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-pyrt-shapes-'));
  const head = join(dir, 'head');
  cpSync(FIXTURE, head, { recursive: true });
  const line = (text: string): number => lineOf(join(head, SOURCE), text);
  let result: GraderResult;
  let stderr = '';

  const test = (name: string): GradedTest => {
    const found = result.tests.find((t) => t.name === name);
    if (!found) throw new Error(`no test ${name}`);
    return found;
  };
  const mutant = (at: number, operator: string): GraderMutant => {
    const found = result.mutants.find((m) => m.line === at && m.operator === operator);
    if (!found) throw new Error(`no ${operator} mutant on line ${at}: ${result.mutants.map((m) => m.id).join(', ')}`);
    return found;
  };
  const killedBy = (t: GradedTest, m: GraderMutant): string | undefined => t.mutants.killed.find((k) => k.mutant === m.id)?.by;

  beforeAll(async () => {
    const lines = readFileSync(join(head, SOURCE), 'utf8').split('\n').length;
    ({ result, stderr } = await runGrader(dir, head, {
      projectRoot: '.',
      candidateFiles: ['tests/test_shapes.py'],
      suiteFiles: [],
      changedRanges: { [SOURCE]: [{ start: 1, end: lines }] },
      stabilityRuns: 1,
      seed: 3,
      perTestTimeoutMs: 3000,
      mutation: true,
      maxMutants: 100,
    }));
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('patches every mutant (none dropped) and lists none on def or decorator lines', () => {
    expect(stderr).not.toContain('dropped');
    expect(result.errors).toEqual([]);
    const defLines = new Set([line('def area(self):'), line('@property'), line('@staticmethod'), line('def is_big(shape, limit=10):')]);
    expect(result.mutants.some((m) => defLines.has(m.line))).toBe(false);
  });

  it('reaches a wrapper closure built at import time by a decorator', () => {
    const m = mutant(line('return fn(*args, **kwargs)'), 'return');
    expect(killedBy(test('test_is_big'), m)).toBe('assertion');
  });

  it('mutates a method that uses super() and a property setter', () => {
    expect(killedBy(test('test_area'), mutant(line('base = super().area()'), 'statement'))).toBe('crash');
    expect(killedBy(test('test_setter'), mutant(line('raise ValueError("negative")'), 'statement'))).toBe('assertion');
    expect(killedBy(test('test_unit_and_of'), mutant(line('return Square(1)'), 'constant'))).toBe('assertion');
    expect(killedBy(test('test_cached'), mutant(line('return n * 2'), 'arithmetic'))).toBe('assertion');
  });

  it('keeps a mutant the tests cannot detect as survived', () => {
    const boundary = mutant(line('return shape.area() > limit and not shape.side == 0'), 'boundary');
    expect(test('test_is_big').mutants.survived).toContain(boundary.id);
  });
});
