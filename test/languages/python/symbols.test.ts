import { describe, expect, it } from 'vitest';
import { extractPythonSymbols } from '../../../src/languages/python/symbols.js';

const SOURCE = `"""Module docstring.

def not_a_function():
    pass
"""
import functools


@functools.lru_cache(maxsize=None)
def apply_discount(price: float, pct: int) -> float:
    # a comment with def inside
    return price * (1 - pct / 100)


async def fetch_rates(
    currency: str,
    *,
    timeout: float = 2.0,  # seconds
) -> dict[str, float]:
    text = """
def fake():
    pass
"""
    return {}


class Cart(Base):
    """A cart."""

    TAX = 0.2

    def __init__(self, items):
        self.items = items

    @property
    def total(self) -> float:
        def helper(x):
            return x
        return sum(helper(i) for i in self.items)

    class Line:
        def price(self): return 1

def one_liner(x): return x + 1
`;

describe('extractPythonSymbols', () => {
  const defs = extractPythonSymbols(SOURCE);
  const byName = new Map(defs.map((d) => [d.qualifiedName, d]));

  it('finds functions, classes, methods and nested classes but not defs in strings or nested functions', () => {
    expect(defs.map((d) => d.qualifiedName)).toEqual([
      'apply_discount', 'fetch_rates', 'Cart', 'Cart.__init__', 'Cart.total', 'Cart.Line', 'Cart.Line.price', 'one_liner',
    ]);
    expect(defs.map((d) => d.kind)).toEqual(['function', 'function', 'class', 'method', 'method', 'class', 'method', 'function']);
  });

  it('includes decorators in the range and ends at the last body line', () => {
    expect(byName.get('apply_discount')?.range).toEqual({ start: 9, end: 12 });
    expect(byName.get('Cart.total')?.range).toEqual({ start: 35, end: 39 });
    expect(byName.get('Cart')?.range).toEqual({ start: 27, end: 42 });
    expect(byName.get('one_liner')?.range).toEqual({ start: 44, end: 44 });
  });

  it('reads multi-line async signatures as one header line', () => {
    expect(byName.get('apply_discount')?.signature).toBe('def apply_discount(price: float, pct: int) -> float');
    expect(byName.get('fetch_rates')?.signature).toBe('async def fetch_rates(currency: str, *, timeout: float = 2.0) -> dict[str, float]');
    expect(byName.get('fetch_rates')?.range).toEqual({ start: 15, end: 24 });
    expect(byName.get('Cart')?.signature).toBe('class Cart(Base)');
    expect(byName.get('one_liner')?.signature).toBe('def one_liner(x)');
  });
});
