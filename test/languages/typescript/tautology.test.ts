import { describe, expect, it } from 'vitest';
import { discoverTsFile } from '../../../src/languages/typescript/discover.js';
import { checkTsExpectedFromCode, checkTsTautology } from '../../../src/languages/typescript/tautology.js';

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

  const fromCode = (src: string): string[] => {
    const model = discoverTsFile('t.test.ts', src);
    return model.tests.flatMap((t) => checkTsExpectedFromCode(model, t).map((f) => `${f.rule}:${f.severity}:${f.message.split(' on the same')[0]}`));
  };
  const IMPORTS = "import { expect, it } from 'vitest';\nimport { orderTotal } from '../src/amounts';\nimport { invoice, invoiceTotal } from '../src/report';\nimport * as report from '../src/report';\n";

  it.each([
    ['another project function on the same input', "it('x', () => { const lines = [[4, 50]]; expect(orderTotal(lines)).toBe(invoiceTotal(lines)); });", 'invoiceTotal(...) computes the expected side'],
    ['through a local and a property', "it('x', () => { const lines = [[10, 10]]; const expected = invoice(lines).total; expect(orderTotal(lines)).toEqual(expected); });", 'invoice(...) computes the expected side'],
    ['a namespace import', "it('x', () => { expect(orderTotal([[1, 2]])).toBe(report.invoiceTotal([[1, 2]])); });", 'report.invoiceTotal(...) computes the expected side'],
    ['a function of the file that calls project code', "const expectedTotal = (l: number[][]) => invoiceTotal(l);\nit('x', () => { const l = [[1, 2]]; expect(orderTotal(l)).toBe(expectedTotal(l)); });", 'expectedTotal(...) computes the expected side'],
  ])('expected side computed through project code: %s → expected-from-code (low)', (_, body, callee) => {
    expect(fromCode(IMPORTS + body)).toEqual([`expected-from-code:low:${callee}`]);
  });

  it.each([
    ['a literal', "it('x', () => { expect(orderTotal([[10, 10]])).toBe(95); });"],
    ['the language', "it('x', () => { const l = [[2, 5]]; expect(orderTotal(l)).toBe(l.reduce((s, [q, p]) => s + q * p, 0)); });"],
    ['a function of the file using only the language', "function independent(l: number[][]) { const g = l.reduce((s, [q, p]) => s + q * p, 0); return g - Math.floor((g * 5) / 100); }\nit('x', () => { const l = [[10, 10]]; expect(orderTotal(l)).toBe(independent(l)); });"],
    ['project code on other inputs', "it('x', () => { expect(orderTotal([[1, 2]])).toEqual(invoice([]).total + 2); });"],
    ['the same function on both sides (a property)', "it('x', () => { const l = [[1, 2]]; expect(orderTotal(l)).toBe(orderTotal([...l])); });"],
    ['a package, not the project', "import { sum } from 'lodash';\nit('x', () => { const l = [1, 2]; expect(orderTotal([[1, 3]])).toBe(sum(l)); });"],
  ])('expected side independent: %s → nothing', (_, body) => {
    expect(fromCode(IMPORTS + body)).toEqual([]);
  });
});
