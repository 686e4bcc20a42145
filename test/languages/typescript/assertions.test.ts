import { describe, expect, it } from 'vitest';
import { checkTsAssertions, tsAssertedText } from '../../../src/languages/typescript/assertions.js';
import { discoverTsFile } from '../../../src/languages/typescript/discover.js';

function rules(src: string): string[] {
  const model = discoverTsFile('t.test.ts', src);
  expect(model.tests).toHaveLength(1);
  return checkTsAssertions(model, model.tests[0]!).map((f) => `${f.rule}:${f.severity}`);
}

describe('TS value assertions', () => {
  it.each([
    ['toBe', "it('x', () => { expect(f(2)).toBe(4); });"],
    ['an exact length', "it('x', () => { expect(f(2).length).toBeGreaterThan(2); expect(f(2)).toHaveLength(3); });"],
    ['a predicate compared with true', "it('x', () => { expect(isBulk(f(2)) === true).toBe(true); });"],
    ['not.toBe', "it('x', () => { expect(f(2)).not.toBe(5); });"],
    ['toThrow', "it('x', () => { expect(() => f(-1)).toThrow(RangeError); });"],
    ['rejects', "it('x', async () => { await expect(g()).rejects.toThrow('no'); });"],
    ['toHaveBeenCalledWith', "it('x', () => { const s = vi.fn(); run(s); expect(s).toHaveBeenCalledWith(1); });"],
    ['node assert.strictEqual', "import assert from 'node:assert';\nit('x', () => { assert.strictEqual(f(2), 4); });"],
    ['assert on a comparison', "import assert from 'node:assert';\nit('x', () => { assert(f(2) === 4); });"],
    ['chai to.equal', "it('x', () => { expect(f(2)).to.equal(4); });"],
    ['helper that expects', "function checkTotal(c, n) { expect(c.total()).toBe(n); }\nit('x', () => { checkTotal(make(), 3); });"],
    ['expect.soft', "it('x', () => { expect.soft(f(1)).toEqual({ a: 1 }); });"],
  ])('%s counts as a value check', (_, src) => {
    expect(rules(src)).toEqual([]);
  });

  it.each([
    ['nothing', "it('x', () => { f(1); });"],
    ['expect without a matcher', "it('x', () => { expect(f(1)); });"],
    ['console.log only', "it('x', () => { console.log(f(1)); });"],
  ])('%s → no-assertion (high)', (_, src) => {
    expect(rules(src)).toEqual(['no-assertion:high']);
  });

  it.each([
    ['toBeDefined', "it('x', () => { expect(f(1)).toBeDefined(); });"],
    ['toBeTruthy', "it('x', () => { expect(f(1)).toBeTruthy(); });"],
    ['not.toBeNull', "it('x', () => { expect(f(1)).not.toBeNull(); });"],
    ['toBeInstanceOf', "it('x', () => { expect(f(1)).toBeInstanceOf(Cart); });"],
    ['assert on a name', "import assert from 'node:assert';\nit('x', () => { const r = f(1); assert(r); });"],
    ['a typeof comparison compared with true', "it('x', () => { expect(typeof f(1) === 'number').toBe(true); });"],
    ['a length said to be non-zero', "it('x', () => { expect(f(1).length).toBeGreaterThan(0); });"],
    ['a length said to be at least one', "it('x', () => { expect(f(1).length).toBeGreaterThanOrEqual(1); });"],
    ['not.toHaveLength(0)', "it('x', () => { expect(f(1)).not.toHaveLength(0); });"],
    ['length > 0 compared with true', "it('x', () => { expect(f(1).length > 0).toBe(true); });"],
  ])('%s → weak-assertion (medium; the verdict rejects it)', (_, src) => {
    expect(rules(src)).toEqual(['weak-assertion:medium']);
  });

  it.each([
    ['toHaveBeenCalled', "it('x', () => { const s = vi.fn(); run(s); expect(s).toHaveBeenCalled(); });"],
    ['toBeDefined and toHaveBeenCalled', "it('x', () => { const s = vi.fn(); expect(run(s)).toBeDefined(); expect(s).toHaveBeenCalled(); });"],
  ])('%s → call-check-only (medium: a flag, it checks a behaviour)', (_, src) => {
    expect(rules(src)).toEqual(['call-check-only:medium']);
  });

  it('gives the criterion check the checks, the locals they use and .each tables', () => {
    const model = discoverTsFile('t.test.ts', "it.each([[3, 404]])('x %i', (n, code) => { const price = 250; const other = 77; const r = applyDiscount(price, 10); expect(r).toBe(225); });");
    const text = tsAssertedText(model, model.tests[0]!);
    expect(text).toContain('applyDiscount(price, 10)');
    expect(text).toContain('250');
    expect(text).toContain('404');
    expect(text).not.toContain('77');
  });
});
