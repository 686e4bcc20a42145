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
