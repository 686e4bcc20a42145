import { describe, expect, it } from 'vitest';
import { typescriptPlugin } from '../../../src/languages/typescript/plugin.js';

const FILE = `import { beforeEach, describe, expect, it } from 'vitest';
import { rate, FREE_OVER } from '../src/shipping';

const BASE = 5;
const cart = (total: number) => ({ total });

describe('rate', () => {
  let limit = 0;
  beforeEach(() => {
    limit = FREE_OVER;
  });

  // AC#1
  it('charges the base rate', () => {
    expect(rate(cart(1))).toBe(BASE);
  });

  it('is free over the limit', () => {
    expect(rate(cart(limit + 1))).toBe(0);
  });
});

describe('only flagged', () => {
  it('is positive', () => {
    expect(rate(cart(1))).toBeGreaterThan(0);
  });
});

test('top level', () => {
  expect(rate(cart(0))).toBe(BASE);
});
`;

const prune = (keep: string[]) => typescriptPlugin.pruneTestFile('test/shipping.test.ts', FILE, (n) => keep.includes(n));

describe('pruneTsTestFile', () => {
  it('keeps the named tests with imports, constants and hooks, removes the others with their comments, and a describe left without tests', () => {
    const pruned = prune(['rate > is free over the limit', 'top level']);
    expect(pruned?.kept).toEqual(['rate > is free over the limit', 'top level']);
    expect(pruned?.dropped).toEqual(['rate > charges the base rate', 'only flagged > is positive']);
    expect(pruned?.content).toBe(`import { beforeEach, describe, expect, it } from 'vitest';
import { rate, FREE_OVER } from '../src/shipping';

const BASE = 5;
const cart = (total: number) => ({ total });

describe('rate', () => {
  let limit = 0;
  beforeEach(() => {
    limit = FREE_OVER;
  });

  it('is free over the limit', () => {
    expect(rate(cart(limit + 1))).toBe(0);
  });
});

test('top level', () => {
  expect(rate(cart(0))).toBe(BASE);
});
`);
  });

  it('keeps nothing when no test is kept', () => {
    expect(prune([])).toBeUndefined();
  });
});
