import { describe, expect, it } from 'vitest';
import { discoverTsFile } from '../../../src/languages/typescript/discover.js';
import { checkTsTautology } from '../../../src/languages/typescript/tautology.js';

function rules(src: string): string[] {
  const model = discoverTsFile('t.test.ts', src);
  return model.tests.flatMap((t) => checkTsTautology(model, t).map((f) => `${f.rule}:${f.severity}`));
}

describe('TS tautology', () => {
  it.each([
    ['same call both sides', "it('x', () => { expect(f(1)).toBe(f(1)); });"],
    ['expected computed by the code under test', "it('x', () => { const expected = total([1, 2]); expect(total([1, 2])).toEqual(expected); });"],
    ['both through locals', "it('x', () => { const x = 5; const a = p.total(x); const b = p.total(5); expect(a).toStrictEqual(b); });"],
    ['assert.deepEqual', "import assert from 'node:assert';\nit('x', () => { assert.deepEqual(f('a'), f('a')); });"],
  ])('%s → tautology (high)', (_, src) => {
    expect(rules(src)).toEqual(['tautology:high']);
  });

  it.each([
    ['literal expected', "it('x', () => { expect(f(1)).toBe(2); });"],
    ['different arguments', "it('x', () => { expect(f('A')).toBe(f('a')); });"],
    ['negated', "it('x', () => { expect(f(1)).not.toBe(f(1)); });"],
    ['object key named like a local', "it('x', () => { const a = 1; expect(g({ a: 2 })).toEqual(g({ a: a + 1 })); });"],
  ])('%s → nothing', (_, src) => {
    expect(rules(src)).toEqual([]);
  });
});
