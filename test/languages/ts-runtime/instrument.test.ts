import ts from 'typescript';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { analyzeSource, emitInstrumented } from '../../../src/languages/typescript/runtime/instrument.mjs';

const SOURCE = [
  'export function fee(total) {',
  '  if (total >= 50) return 0;',
  '  return 4.99;',
  '}',
].join('\n');

interface Site { lines: number[]; index: number }
interface Candidate { operator: string; line: number; site: Site; id?: string }

function instrument(): { code: string; candidates: Candidate[]; executable: number[] } {
  const analysis = analyzeSource(ts, { text: SOURCE, fileName: 'fee.js', changedLines: new Set([1, 2]) });
  const candidates = analysis.candidates as Candidate[];
  candidates.forEach((c, i) => { c.id = `M${i + 1}`; });
  const probed = new Map((analysis.sites as Site[]).filter((s) => s.lines.length > 0).map((s) => [s, s.index]));
  return { code: emitInstrumented(analysis, { probed, mutants: candidates, fileKey: 'fee.js' }), candidates, executable: analysis.executable };
}

function load(code: string, mutant: string): (total: number) => unknown {
  const g = globalThis as { __tfMutant?: string; __tfHit?: unknown };
  g.__tfMutant = mutant;
  const body = code.replace('export function fee', 'function fee');
  return new Function(`${body}\nreturn fee;`)() as (total: number) => unknown;
}

describe('instrumentation of a changed file', () => {
  it('counts the changed if line but not the function declaration line', () => {
    expect(instrument().executable).toEqual([2]);
  });

  it('keeps behaviour without a mutant and flips it under each schema', () => {
    const { code, candidates } = instrument();
    expect(load(code, '')(50)).toBe(0);
    const boundary = candidates.find((c) => c.operator === 'comparison-boundary');
    expect(load(code, boundary?.id ?? '')(50)).toBe(4.99);
    const ret = candidates.find((c) => c.operator === 'return-value');
    expect(load(code, ret?.id ?? '')(60)).toBeUndefined();
    expect(candidates.every((c) => c.line === 2)).toBe(true);
  });

  it('reports probe hits through globalThis.__tfHit', () => {
    const hits: string[] = [];
    (globalThis as { __tfHit?: unknown }).__tfHit = (file: string, k: number) => hits.push(`${file}#${k}`);
    load(instrument().code, '')(10);
    delete (globalThis as { __tfHit?: unknown }).__tfHit;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^fee\.js#\d+$/);
  });
});

describe('mutants of a difference', () => {
  const SORT = [
    'export function ordered(xs) {',
    '  return xs.slice().sort((a, b) => a.at - b.at).map((x) => x.id);',
    '}',
  ].join('\n');

  function orderedUnder(operator: string): { order: unknown; description: string } {
    const analysis = analyzeSource(ts, { text: SORT, fileName: 'ordered.js', changedLines: new Set([2]) });
    const candidates = analysis.candidates as (Candidate & { description: string })[];
    candidates.forEach((c, i) => { c.id = `M${i + 1}`; });
    const code = emitInstrumented(analysis, { probed: new Map(), mutants: candidates, fileKey: 'ordered.js' }) as string;
    const mutant = candidates.find((c) => c.operator === operator);
    if (!mutant) throw new Error(`no ${operator} mutant among ${candidates.map((c) => c.operator).join(', ')}`);
    (globalThis as { __tfMutant?: string }).__tfMutant = mutant.id ?? '';
    const fn = new Function(`${code.replace('export function ordered', 'function ordered')}\nreturn ordered;`)() as (xs: unknown[]) => unknown;
    return { order: fn([{ id: 'first', at: 1 }, { id: 'second', at: 2 }]), description: mutant.description };
  }

  it('swaps the operands of a comparator, not of any difference', () => {
    const analysis = analyzeSource(ts, { text: 'export function net(total, off) {\n  return total - off;\n}\nexport const sorted = (xs) => xs.sort(((a, b) => (a.at - b.at)));\n', fileName: 'net.js', changedLines: new Set([2, 4]) });
    const ops = (analysis.candidates as Candidate[]).map((c) => `${c.line}:${c.operator}`);
    expect(ops).toContain('2:arithmetic-swap');
    expect(ops).not.toContain('2:operand-swap');
    expect(ops).toContain('4:operand-swap');
  });

  it('swaps the operands as well as the operator, so a comparator whose sign matters is caught', () => {
    // `a + b` keeps every comparison positive: on input already in order the sort does not move it.
    expect(orderedUnder('arithmetic-swap').order).toEqual(['first', 'second']);
    const swapped = orderedUnder('operand-swap');
    expect(swapped.order).toEqual(['second', 'first']);
    expect(swapped.description).toBe('a.at - b.at → operands swapped');
  });
});

