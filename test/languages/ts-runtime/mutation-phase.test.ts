import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { isKill } from '../../../src/languages/typescript/runtime/classify.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { copyPaths, pickConfirmations, runMutants, screenOrder, seeded } from '../../../src/languages/typescript/runtime/mutation-phase.mjs';

type Kill = { id: string; kind: string };
const pick = pickConfirmations as (kills: Map<string, Kill[]>, random: () => number) => Map<string, Map<string, string[]>>;

describe('the mutation phase: what screening confirms in a fresh process', () => {
  it('confirms one kill per test that has one, by a value check when the test has such a kill', () => {
    const kills = new Map<string, Kill[]>([
      ['a', [{ id: 'm1', kind: 'crash' }, { id: 'm2', kind: 'assertion' }, { id: 'm3', kind: 'timeout' }]],
      ['b', [{ id: 'm4', kind: 'crash' }]],
      ['c', []],
    ]);
    for (let seed = 0; seed < 20; seed += 1) {
      const picked = pick(kills, seeded(seed));
      const byTest = new Map([...picked.values()].flatMap((mine) => [...mine].flatMap(([id, keys]) => keys.map((k) => [k, id] as const))));
      expect([...byTest.keys()].sort()).toEqual(['a', 'b']);
      expect(byTest.get('a')).toBe('m2');
      expect(byTest.get('b')).toBe('m4');
    }
  });

  /** The mutants picked for each file's tests: file → sorted mutant ids. */
  const perFile = (picked: Map<string, Map<string, string[]>>): Record<string, string[]> => Object.fromEntries([...picked].map(([f, mine]) => [f, [...mine.keys()].sort()]));

  it('confirms each file with as few mutants as it can (each is a fresh worker for the file)', () => {
    // One mutant for the most tests overall (m1) would give x.test.ts two confirmations; x's own best is m2.
    const kills = new Map<string, Kill[]>([
      ['x.test.ts::a', [{ id: 'm1', kind: 'assertion' }, { id: 'm2', kind: 'assertion' }]],
      ['x.test.ts::b', [{ id: 'm2', kind: 'assertion' }]],
      ['y.test.ts::c', [{ id: 'm1', kind: 'assertion' }, { id: 'm3', kind: 'assertion' }]],
      ['y.test.ts::d', [{ id: 'm1', kind: 'assertion' }]],
      ['z.test.ts::e', [{ id: 'm1', kind: 'assertion' }, { id: 'm3', kind: 'assertion' }]],
      ['w.test.ts::f', [{ id: 'm4', kind: 'assertion' }]],
      ['w.test.ts::g', [{ id: 'm5', kind: 'assertion' }]],
    ]);
    const zPicks = new Set<string>();
    for (let seed = 0; seed < 20; seed += 1) {
      const files = perFile(pick(kills, seeded(seed)));
      expect(files['x.test.ts']).toEqual(['m2']);
      expect(files['y.test.ts']).toEqual(['m1']);
      expect(files['w.test.ts']).toEqual(['m4', 'm5']);
      zPicks.add((files['z.test.ts'] ?? []).join());
    }
    // z's one test: either of its kills, at random
    expect([...zPicks].sort()).toEqual(['m1', 'm3']);
  });

  it('confirms the tests of a file that killed the same mutant with one, and varies the pick with the seed', () => {
    const kills = new Map<string, Kill[]>(['f::a', 'f::b', 'g::c', 'g::d'].map((k) => [k, ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => ({ id, kind: 'assertion' }))]));
    const chosen = new Set<string>();
    for (let seed = 0; seed < 20; seed += 1) {
      const picked = pick(kills, seeded(seed));
      const files = perFile(picked);
      expect(Object.values(files).map((ids) => ids.length)).toEqual([1, 1]);
      expect([...picked.values()].flatMap((mine) => [...mine.values()].flat()).sort()).toEqual(['f::a', 'f::b', 'g::c', 'g::d']);
      chosen.add(files.f?.[0] ?? '');
    }
    expect(chosen.size).toBeGreaterThan(2);
    expect([...pick(kills, seeded(7))]).toEqual([...pick(kills, seeded(7))]);
  });

  it('counts a failed, timed-out or crashed run as a kill, a passed or skipped one not', () => {
    expect(['failed', 'timeout', 'error'].map((outcome) => isKill({ outcome }))).toEqual([true, true, true]);
    expect([isKill({ outcome: 'passed' }), isKill({ outcome: 'skipped' }), isKill(undefined)]).toEqual([false, false, false]);
  });

  it('says of its last run that it is the last (a warm runner then starts no worker ahead for another)', async () => {
    const test = (file: string, name: string) => ({ key: `${file}::${name}`, file, abs: file, name, names: [name] });
    const [a, b] = [test('/p/a.test.ts', 'a'), test('/p/b.test.ts', 'b')];
    const plan = [{ mutant: { id: 'm1' }, covering: [a, b] }, { mutant: { id: 'm2' }, covering: [b] }, { mutant: { id: 'm3' }, covering: [a] }];
    const specs: Array<{ mutant: string; last?: boolean }> = [];
    const runResolved = async (_runner: unknown, spec: { mutant: string; last?: boolean; tests: Array<{ file: string; name: string; names: string[] }> }) => {
      specs.push(spec);
      return { executions: spec.tests.length, verdicts: new Map(spec.tests.map((t) => [`${t.file}::${t.name}`, { ...t, run: { outcome: 'failed', durationMs: 1 } }])) };
    };
    const out = await runMutants(plan, { runner: {}, screens: false, runResolved, fitted: () => ({ testTimeoutMs: 2000 }), tree: {}, work: '/p', seed: 1, errors: [] });
    expect(specs.map((s) => [s.mutant, s.last])).toEqual([['m1', false], ['m2', false], ['m3', true]]);
    expect(out.executions).toBe(4);
  });

  it('queues a screening run\'s copies a few candidates at a time, in turns, each candidate\'s copies in their order', () => {
    const order = screenOrder as (lists: string[][], window?: number) => string[];
    const lists = [['a0', 'a1', 'a2'], ['b0'], ['c0', 'c1'], ['d0', 'd1', 'd2', 'd3'], ['e0', 'e1']];
    // b is done after one copy: e takes its turn; at the end only d is left.
    expect(order(lists)).toEqual(['a0', 'b0', 'c0', 'd0', 'a1', 'e0', 'c1', 'd1', 'a2', 'e1', 'd2', 'd3']);
    expect(order(lists, 2)).toEqual(['a0', 'b0', 'a1', 'c0', 'a2', 'c1', 'd0', 'e0', 'd1', 'e1', 'd2', 'd3']);
    // Every copy once, each candidate's in its own order (its control copy first).
    for (const w of [1, 2, 3, 4, 9]) {
      const out = order(lists, w);
      expect([...out].sort()).toEqual(lists.flat().sort());
      for (const l of lists) expect(out.filter((c) => l.includes(c))).toEqual(l);
    }
    expect(order([])).toEqual([]);
  });

  it('names the copies of a test file beside it, taken by the same test patterns, never over an existing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-copies-'));
    try {
      expect(copyPaths(join(dir, 'shipping.test.ts'), 2)).toEqual([join(dir, 'shipping.tfm0.test.ts'), join(dir, 'shipping.tfm1.test.ts')]);
      expect(copyPaths(join(dir, 'spec.ts'), 1)).toEqual([join(dir, 'spec.tfm0.ts')]);
      writeFileSync(join(dir, 'a.tfm1.spec.js'), '');
      expect(copyPaths(join(dir, 'a.spec.js'), 2)).toEqual([join(dir, 'a.tfmx0.spec.js'), join(dir, 'a.tfmx1.spec.js')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
