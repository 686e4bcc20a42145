import type { RemoteOptions } from '../fakes/repos.js';

/**
 * The GitHub end-to-end project: a tiny Python project whose PR changes `shipping_cost`, with a spec
 * of two tagged acceptance criteria. `createRemote(owner, repo, pull, shopRemote())` (test/fakes/repos.ts)
 * builds it as the "GitHub" remote: `main`, the PR branch `feature` and `refs/pull/<n>/head`.
 */

export const SPEC_ID = '007-shipping-rates';

const PYPROJECT = `[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.9"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
`;

const BASE_SHIPPING = `"""Shipping of orders."""


def parcel_label(order_id):
    """Label printed on a parcel."""
    return "ORDER-{}".format(order_id)


def shipping_cost(weight_kg):
    """Flat shipping cost of a parcel."""
    return 5
`;

const HEAD_SHIPPING = `"""Shipping of orders."""

FREE_SHIPPING_FROM = 50
BASE_FEE = 5
PER_KG = 2


def parcel_label(order_id):
    """Label printed on a parcel."""
    return "ORDER-{}".format(order_id)


def shipping_cost(weight_kg, order_total=0):
    """Shipping cost of a parcel (AC#1, AC#2)."""
    if weight_kg <= 0:
        raise ValueError("weight must be positive")
    if order_total >= FREE_SHIPPING_FROM:
        return 0
    return BASE_FEE + PER_KG * weight_kg
`;

const EXISTING_TEST = `from shop.shipping import parcel_label


def test_parcel_label():
    assert parcel_label(42) == "ORDER-42"
`;

const SPEC = `# Shipping rates

> Spec ID: ${SPEC_ID}

## Overview
Shipping is priced by weight, and larger orders ship free.
\`shop.shipping.shipping_cost(weight_kg, order_total)\` returns the shipping cost.

## Acceptance Criteria
- **AC#1** — A parcel costs 5 plus 2 per kg; an order total of 50 or more ships free (49 still pays).
- **AC#2** — A weight of zero or less is refused with a ValueError.

## Out of Scope
- Parcel labels do not change.
`;

export const BASE_FILES: Record<string, string> = {
  'pyproject.toml': PYPROJECT,
  'shop/__init__.py': '',
  'shop/shipping.py': BASE_SHIPPING,
  'tests/test_labels.py': EXISTING_TEST,
};

export const HEAD_FILES: Record<string, string> = {
  ...BASE_FILES,
  'shop/shipping.py': HEAD_SHIPPING,
  [`.aifactory/specs/${SPEC_ID}/spec.md`]: SPEC,
};

/** The tests a good model writes for each criterion: exact values on both sides of each boundary. */
export const GOOD_TESTS: Record<string, string> = {
  'AC#1': `# Verifies AC#1
from shop.shipping import shipping_cost


def test_parcel_costs_5_plus_2_per_kg():
    assert shipping_cost(2) == 9
    assert shipping_cost(3, 10) == 11


def test_orders_of_50_or_more_ship_free():
    assert shipping_cost(3, 50) == 0
    assert shipping_cost(3, 49) == 11
`,
  'AC#2': `# Verifies AC#2
import pytest

from shop.shipping import shipping_cost


def test_zero_or_negative_weight_is_refused():
    with pytest.raises(ValueError):
        shipping_cost(0)
    with pytest.raises(ValueError):
        shipping_cost(-1, 60)
    assert shipping_cost(0.5) == 6
`,
};

/** The options of `createRemote` that build this project (`head` replaces the PR's files when given). */
export function shopRemote(head: Record<string, string> = HEAD_FILES): RemoteOptions {
  return { base: BASE_FILES, head, baseBranch: 'main', headBranch: 'feature', messages: { base: 'shop: base', head: 'shipping: price by weight, free from 50' } };
}
