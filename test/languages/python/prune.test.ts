import { describe, expect, it } from 'vitest';
import { pythonPlugin } from '../../../src/languages/python/plugin.js';

const FILE = `import pytest
from shop.shipping import rate, FREE_OVER

BASE = 5


def _cart(total):
    return {"total": total}


@pytest.fixture
def cart():
    return _cart(10)


# AC#1: the base rate
def test_base_rate(cart):
    assert rate(cart) == BASE


# AC#2: free shipping
@pytest.mark.parametrize("total", [FREE_OVER, FREE_OVER + 1])
def test_free_over(total):
    assert rate(_cart(total)) == 0


class TestBoundaries:
    def setup_method(self):
        self.limit = FREE_OVER

    def test_just_below(self):
        assert rate(_cart(self.limit - 1)) == BASE

    def test_zero(self):
        assert rate(_cart(0)) == BASE


class TestOnlyFlagged:
    @pytest.mark.slow
    def test_flagged(self):
        assert rate(_cart(1)) > 0
`;

const prune = (keep: string[]) => pythonPlugin.pruneTestFile('tests/test_shipping.py', FILE, (n) => keep.includes(n));

describe('prunePythonTestFile', () => {
  it('keeps the named tests with the imports, constants, fixtures and helpers, and removes the others with their decorators and comments', () => {
    const pruned = prune(['test_base_rate', 'TestBoundaries::test_zero']);
    expect(pruned?.kept).toEqual(['test_base_rate', 'TestBoundaries::test_zero']);
    expect(pruned?.dropped).toEqual(['test_free_over', 'TestBoundaries::test_just_below', 'TestOnlyFlagged::test_flagged']);
    expect(pruned?.content).toBe(`import pytest
from shop.shipping import rate, FREE_OVER

BASE = 5


def _cart(total):
    return {"total": total}


@pytest.fixture
def cart():
    return _cart(10)


# AC#1: the base rate
def test_base_rate(cart):
    assert rate(cart) == BASE


class TestBoundaries:
    def setup_method(self):
        self.limit = FREE_OVER


    def test_zero(self):
        assert rate(_cart(0)) == BASE


`);
    expect(pythonPlugin.listTestNames(pruned?.content ?? '')).toEqual(['test_base_rate', 'test_zero']);
  });

  it('keeps a class with only its kept method, and nothing when no test is kept', () => {
    const pruned = prune(['TestOnlyFlagged::test_flagged']);
    expect(pruned?.content).toContain('class TestOnlyFlagged:\n    @pytest.mark.slow\n    def test_flagged(self):');
    expect(pruned?.content).not.toContain('TestBoundaries');
    expect(pythonPlugin.listTestNames(pruned?.content ?? '')).toEqual(['test_flagged']);
    expect(prune([])).toBeUndefined();
  });
});
