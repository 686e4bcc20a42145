import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderInput, GraderResult } from '../../../src/languages/types.js';
import { unpackedDebianPackages } from '../../helpers/debian-packages.js';
import { lineOf, requireHostPython, runGrader, SOURCE, stageFixture } from './runtime-helpers.js';

const hasPython = requireHostPython();

// A unittest-style candidate (TestCase, setUp, subTest, assert* methods) and a probe that reports
// which pytest ran it, next to the fixture's pytest-style candidates.
const UNITTEST_CANDIDATE = `import unittest

from shop import pricing


class DiscountTest(unittest.TestCase):
    def setUp(self):
        self.code = ""

    def test_bulk_cases(self):
        for total, expected in ((150, 140), (100, 90), (99, 99)):
            with self.subTest(total=total):
                self.assertEqual(pricing.discount(total, self.code), expected)

    def test_item_total_rejects_negative(self):
        self.assertEqual(pricing.item_total(3, 2), 6)
        with self.assertRaises(ValueError):
            pricing.item_total(3, -1)
`;
const VERSION_PROBE = (major: string): string => `import pytest


def test_pytest_major():
    assert pytest.__version__.split(".")[0] == "${major}", pytest.__version__
`;

/** The verdict-bearing parts of a result, per test: outcomes, kills (with their kind) and the base run. */
function essence(result: GraderResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of result.tests) {
    if (t.name.includes('pytest_major')) continue;
    out[t.id] = {
      outcomes: t.runs.map((r) => r.outcome),
      killed: t.mutants.killed.map((k) => `${k.mutant} by ${k.by}`).sort(),
      survived: [...t.mutants.survived].sort(),
      onBase: t.onBase?.outcome,
    };
  }
  return out;
}

/**
 * The Python grader under the pytest majors people have: bookworm's pytest 7.2 (the runner image's)
 * and trixie's pytest 8.3 (Debian's own package, unpacked and put first on PYTHONPATH, as a project
 * environment that pins pytest 8 would). Same fixture, same candidates: the same verdict inputs.
 */
describe.skipIf(!hasPython)('python grader under pytest 7 and pytest 8', () => {
  const runs: Record<'7' | '8', { result: GraderResult; dir: string }> = {} as never;

  beforeAll(async () => {
    const pytest8 = await unpackedDebianPackages('pytest8', 'trixie', ['python3-pytest', 'python3-pluggy', 'python3-iniconfig']);
    for (const major of ['7', '8'] as const) {
      const staged = stageFixture();
      for (const tree of [staged.head, staged.base]) {
        writeFileSync(join(tree, 'tests', 'test_cand_unittest.py'), UNITTEST_CANDIDATE);
        writeFileSync(join(tree, 'tests', 'test_cand_version.py'), VERSION_PROBE(major));
      }
      const src = join(staged.head, SOURCE);
      const line = (text: string): number => lineOf(src, text);
      const input: GraderInput = {
        projectRoot: '.',
        candidateFiles: [...staged.candidates, 'tests/test_cand_unittest.py', 'tests/test_cand_version.py'],
        suiteFiles: ['tests/test_existing.py'],
        changedRanges: { [SOURCE]: [
          { start: line('if total >= 100:'), end: line('return total - 10') },
          { start: line('def checked_quantity(qty):'), end: line('return price * checked_quantity(qty)') },
        ] },
        stabilityRuns: 2,
        seed: 1,
        perTestTimeoutMs: 1500,
        mutation: true,
        maxMutants: 40,
        baseDir: staged.base,
      };
      const env = major === '8' ? { ...process.env, PYTHONPATH: pytest8 } : { ...process.env, PYTHONPATH: '' };
      const { result } = await runGrader(staged.dir, staged.head, input, env);
      runs[major] = { result, dir: staged.dir };
    }
  }, 600_000);

  afterAll(() => {
    for (const r of Object.values(runs)) rmSync(r.dir, { recursive: true, force: true });
  });

  it('ran each session under the pytest it was given', () => {
    for (const major of ['7', '8'] as const) {
      const probe = runs[major].result.tests.find((t) => t.name === 'test_pytest_major');
      expect(probe?.runs[0]?.outcome, `pytest ${major}: ${probe?.runs[0]?.message ?? 'no probe result'}`).toBe('passed');
    }
  });

  it('grades unittest TestCase tests (setUp, subTest, assertRaises) under both', () => {
    for (const major of ['7', '8'] as const) {
      const ids = runs[major].result.tests.map((t) => t.id);
      expect(ids).toContain('tests/test_cand_unittest.py::DiscountTest::test_bulk_cases');
      const bulk = runs[major].result.tests.find((t) => t.name === 'DiscountTest::test_bulk_cases');
      expect(bulk?.runs.every((r) => r.outcome === 'passed')).toBe(true);
      expect(bulk?.onBase?.outcome).toBe('failed');
      expect(bulk?.mutants.killed.length).toBeGreaterThan(0);
      const raises = runs[major].result.tests.find((t) => t.name === 'DiscountTest::test_item_total_rejects_negative');
      expect(raises?.mutants.killed.length).toBeGreaterThan(0);
    }
  });

  it('gives the same outcomes, kills and base runs under pytest 8 as under pytest 7', () => {
    expect(runs['8'].result.errors).toEqual(runs['7'].result.errors);
    expect(Object.keys(essence(runs['7'].result)).length).toBeGreaterThan(8);
    expect(essence(runs['8'].result)).toEqual(essence(runs['7'].result));
  });
});
