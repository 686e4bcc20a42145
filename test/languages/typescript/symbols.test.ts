import { describe, expect, it } from 'vitest';
import { extractTypeScriptSymbols } from '../../../src/languages/typescript/symbols.js';

const SOURCE = `import { x } from './x.js';

/** Docs. */
export function applyDiscount(price: number, pct: number): number {
  return price * (1 - pct / 100);
}

export const roundPrice = (
  price: number,
  digits = 2,
): number => Number(price.toFixed(digits));

const legacy = function (a: string) {
  return a;
};

export class Cart extends Base {
  private items: number[] = [];
  onChange = (n: number): void => {
    this.items.push(n);
  };

  constructor(readonly id: string) {
    super();
  }

  @memo()
  async total(tax: number): Promise<number> {
    return this.items.reduce((a, b) => a + b, 0) * tax;
  }

  get size(): number {
    return this.items.length;
  }
}

export default function () {
  return 1;
}
`;

describe('extractTypeScriptSymbols', () => {
  const defs = extractTypeScriptSymbols(SOURCE, 'src/cart.ts');
  const byName = new Map(defs.map((d) => [d.qualifiedName, d]));

  it('finds declarations, const-assigned functions, classes and their methods', () => {
    expect(defs.map((d) => `${d.kind}:${d.qualifiedName}`)).toEqual([
      'function:applyDiscount', 'function:roundPrice', 'function:legacy', 'class:Cart',
      'method:Cart.onChange', 'method:Cart.constructor', 'method:Cart.total', 'method:Cart.size', 'function:default',
    ]);
  });

  it('gives header signatures without bodies or decorators', () => {
    expect(byName.get('applyDiscount')?.signature).toBe('export function applyDiscount(price: number, pct: number): number');
    expect(byName.get('roundPrice')?.signature).toBe('export const roundPrice = (price: number, digits = 2): number');
    expect(byName.get('Cart')?.signature).toBe('export class Cart extends Base');
    expect(byName.get('Cart.total')?.signature).toBe('async total(tax: number): Promise<number>');
  });

  it('gives 1-based ranges (decorators included, JSDoc excluded)', () => {
    expect(byName.get('applyDiscount')?.range).toEqual({ start: 4, end: 6 });
    expect(byName.get('roundPrice')?.range).toEqual({ start: 8, end: 11 });
    expect(byName.get('Cart.total')?.range).toEqual({ start: 27, end: 30 });
    expect(byName.get('Cart')?.range).toEqual({ start: 17, end: 35 });
  });

  it('reads CommonJS exports in JavaScript', () => {
    const js = extractTypeScriptSymbols('exports.add = function (a, b) {\n  return a + b;\n};\n', 'lib/add.js');
    expect(js).toEqual([{ qualifiedName: 'add', kind: 'function', range: { start: 1, end: 3 }, signature: 'exports.add = function (a, b)' }]);
  });
});
