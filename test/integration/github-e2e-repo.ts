import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The GitHub end-to-end fixture: a tiny Python project whose PR changes `shipping_cost`, with a spec
 * of two tagged acceptance criteria. Built as real git repositories: a bare `<owner>/<repo>.git`
 * (the "GitHub" remote, reached through a file:// base URL) holding `main`, the PR branch `feature`
 * and `refs/pull/<n>/head`. Identity and dates are fixed, so the SHAs are the same on every machine.
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

export interface GithubFixture {
  root: string;
  /** `file://<root>/remotes`: the git base URL (holds `<owner>/<repo>.git`). */
  gitBaseUrl: string;
  bare: string;
  baseSha: string;
  headSha: string;
  workRoot: string;
  cleanup(): void;
}

const DATE = '2024-03-01T12:00:00Z';

export function git(cwd: string, ...args: string[]): string {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...inherited,
      GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
      GIT_AUTHOR_DATE: DATE, GIT_COMMITTER_DATE: DATE, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
    },
  }).trim();
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function createGithubFixture(owner: string, repo: string, pullNumber: number, files: { base?: Record<string, string>; head?: Record<string, string> } = {}): GithubFixture {
  const root = mkdtempSync(join(tmpdir(), 'tfactory-gh-e2e-'));
  try {
    const bare = join(root, 'remotes', owner, `${repo}.git`);
    mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--bare', '-q', '-b', 'main');
    const seed = join(root, 'seed');
    mkdirSync(seed);
    git(seed, 'init', '-q', '-b', 'main');
    writeTree(seed, files.base ?? BASE_FILES);
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', 'shop: base');
    const baseSha = git(seed, 'rev-parse', 'HEAD');
    git(seed, 'checkout', '-q', '-b', 'feature');
    writeTree(seed, files.head ?? HEAD_FILES);
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', 'shipping: price by weight, free from 50');
    const headSha = git(seed, 'rev-parse', 'HEAD');
    git(seed, 'push', '-q', bare, 'main', 'feature', `feature:refs/pull/${pullNumber}/head`);
    const workRoot = join(root, 'work');
    mkdirSync(workRoot);
    return { root, gitBaseUrl: `file://${join(root, 'remotes')}`, bare, baseSha, headSha, workRoot, cleanup: () => rmSync(root, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
