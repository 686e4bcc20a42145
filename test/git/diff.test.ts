import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitPort } from '../../src/git/create-git-port.js';
import type { DiffSummary } from '../../src/git/types.js';
import { listChangedSymbols } from '../../src/languages/changed-symbols.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

const PY_BASE = `def apply_discount(price: float, pct: int) -> float:
    return price * (1 - pct / 100)


def old_helper(x):
    return x * 2


class Cart:
    def total(self, items):
        return sum(items)

    def count(self, items):
        return len(items)
`;

const PY_HEAD = `def apply_discount(price: float, pct: int) -> float:
    if pct > 100:
        raise ValueError("pct")
    return price * (1 - pct / 100)


class Cart:
    def total(self, items):
        return round(sum(items), 2)

    def count(self, items):
        return len(items)


def shipping_cost(weight: float) -> float:
    return 5 + weight
`;

const TS_BASE = `export function applyDiscount(price: number, pct: number): number {
  return price * (1 - pct / 100);
}

export function removeMe(): void {
  return;
}

export class Cart {
  total(items: number[]): number {
    return items.reduce((a, b) => a + b, 0);
  }

  count(items: number[]): number {
    return items.length;
  }
}
`;

const TS_HEAD = `export function applyDiscount(price: number, pct: number): number {
  return Math.round(price * (1 - pct / 100));
}

export class Cart {
  total(items: number[]): number {
    return items.reduce((a, b) => a + b, 0);
  }

  count(items: number[]): number {
    // counts items
    return items.length;
  }
}

export const shippingCost = (weight: number): number => 5 + weight;
`;

const RENAMED_BASE = ['def a():', '    return 1', '', '', 'def b():', '    return 2', '', '', 'def c():', '    return 3', ''].join('\n');

// git gives files and line ranges; the changed symbols come from the language plug-ins (as ingest does).
describe('GitPort.diff on a real repository, with the plug-ins\' changed symbols', () => {
  let repo: TestRepo;
  let summary: DiffSummary;
  let baseAtBranch: string;

  beforeAll(async () => {
    repo = makeRepo();
    repo.write({ 'src/pricing.py': PY_BASE, 'src/cart.ts': TS_BASE, 'README.md': 'hello\n', 'src/old_name.py': RENAMED_BASE, 'logo.bin': '\u0000\u0001binary' });
    baseAtBranch = repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ 'src/pricing.py': PY_HEAD, 'src/cart.ts': TS_HEAD, 'logo.bin': '\u0000\u0002binary!' });
    repo.git('mv', 'src/old_name.py', 'src/new_name.py');
    repo.write({ 'src/new_name.py': RENAMED_BASE.replace('return 3', 'return 33') });
    repo.commit('feature');
    repo.git('checkout', '--quiet', 'main');
    repo.write({ 'README.md': 'hello again\n' });
    repo.commit('main moves on');
    const port = createGitPort();
    const diff = await port.diff(repo.dir, 'main', 'feature');
    summary = { ...diff, symbols: await listChangedSymbols(diff, (sha, path) => port.readFileAt(repo.dir, sha, path)) };
  });
  afterAll(() => repo.cleanup());

  it('finds the same changed symbols reading the files in two batches (base, head) as one by one', async () => {
    const port = createGitPort();
    const asked: number[] = [];
    const batched = await listChangedSymbols(summary, (sha, path) => port.readFileAt(repo.dir, sha, path), async (sha, paths) => {
      asked.push(paths.length);
      return port.readFilesAt!(repo.dir, sha, paths);
    });
    expect(batched).toEqual(summary.symbols);
    expect(asked).toHaveLength(2);
  });

  it('diffs from the merge base (base...head), so later base commits are not included', () => {
    expect(summary.mergeBaseSha).toBe(baseAtBranch);
    expect(summary.baseSha).toBe(repo.git('rev-parse', 'main').trim());
    expect(summary.files.map((f) => f.path).sort()).toEqual(['logo.bin', 'src/cart.ts', 'src/new_name.py', 'src/pricing.py']);
  });

  it('reports renames with their old path and changed lines, and binary files', () => {
    const renamed = summary.files.find((f) => f.path === 'src/new_name.py');
    expect(renamed).toMatchObject({ change: 'renamed', oldPath: 'src/old_name.py', addedRanges: [{ start: 10, end: 10 }], removedRanges: [{ start: 10, end: 10 }] });
    expect(summary.files.find((f) => f.path === 'logo.bin')).toMatchObject({ change: 'modified', binary: true, addedRanges: [] });
  });

  it('gives head-side added ranges and base-side removed ranges', () => {
    const py = summary.files.find((f) => f.path === 'src/pricing.py');
    expect(py?.change).toBe('modified');
    expect(py?.addedRanges).toEqual([{ start: 2, end: 3 }, { start: 9, end: 9 }, { start: 13, end: 16 }]);
    expect(py?.removedRanges).toEqual([{ start: 5, end: 8 }, { start: 11, end: 11 }]);
  });

  it('finds added, modified and deleted Python functions, and a method changed inside an unchanged class', () => {
    const py = summary.symbols.filter((s) => s.file === 'src/pricing.py').map((s) => `${s.change}:${s.kind}:${s.qualifiedName}`).sort();
    expect(py).toEqual(['added:function:shipping_cost', 'deleted:function:old_helper', 'modified:function:apply_discount', 'modified:method:Cart.total']);
    const deleted = summary.symbols.find((s) => s.qualifiedName === 'old_helper');
    expect(deleted).toMatchObject({ range: { start: 5, end: 6 }, signature: 'def old_helper(x)' });
    const modified = summary.symbols.find((s) => s.qualifiedName === 'apply_discount');
    expect(modified).toMatchObject({ range: { start: 1, end: 4 }, signature: 'def apply_discount(price: float, pct: int) -> float' });
  });

  it('finds added, modified and deleted TypeScript functions and methods', () => {
    const ts = summary.symbols.filter((s) => s.file === 'src/cart.ts').map((s) => `${s.change}:${s.kind}:${s.qualifiedName}`).sort();
    expect(ts).toEqual(['added:function:shippingCost', 'deleted:function:removeMe', 'modified:function:applyDiscount', 'modified:method:Cart.count']);
    expect(summary.symbols.find((s) => s.qualifiedName === 'applyDiscount')?.signature).toBe('export function applyDiscount(price: number, pct: number): number');
  });

  it('reports the one function changed in a renamed file', () => {
    const renamed = summary.symbols.filter((s) => s.file === 'src/new_name.py');
    expect(renamed.map((s) => `${s.change}:${s.qualifiedName}`)).toEqual(['modified:c']);
  });

  it('reads files at a ref and exports a tree without touching the repository', async () => {
    const port = createGitPort();
    expect(await port.readFileAt(repo.dir, 'feature', 'src/new_name.py')).toContain('return 33');
    expect(await port.readFileAt(repo.dir, 'feature', 'src/old_name.py')).toBeUndefined();
    expect(await port.readFileAt(repo.dir, 'feature', 'src')).toBeUndefined();
    const { mkdtempSync, readFileSync, existsSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dest = mkdtempSync(join(tmpdir(), 'tfactory-export-'));
    try {
      await port.exportTree(repo.dir, summary.mergeBaseSha, dest);
      expect(readFileSync(join(dest, 'src/pricing.py'), 'utf8')).toBe(PY_BASE);
      expect(existsSync(join(dest, 'src/old_name.py'))).toBe(true);
      expect(existsSync(join(dest, '.git'))).toBe(false);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});
