import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderResult, GradedTest } from '../../../src/languages/types.js';
import { requireHostPython, runGrader } from './runtime-helpers.js';

const hasPython = requireHostPython();

const CALC = `def total(xs):
    s = 0
    for x in xs:
        s = s + x
    return s
`;

const TESTS = `import unittest

import pytest

from calc import total


class Failure(Exception):
    pass


class TotalTests(unittest.TestCase):
    def check(self, xs, n):
        self.assertEqual(total(xs), n)

    def test_subtests(self):
        for xs, n in [([1, 2], 3), ([5], 5)]:
            with self.subTest(xs=xs):
                self.assertEqual(total(xs), n)

    def test_a_subtest_fails(self):
        for xs, n in [([1, 2], 3), ([5], 6)]:
            with self.subTest(xs=xs):
                self.assertEqual(total(xs), n)

    def test_through_a_helper_method(self):
        self.check([1, 2], 3)

    def test_almost_equal(self):
        self.assertAlmostEqual(total([0.5, 0.25]), 0.75)


class OwnFailureTests(unittest.TestCase):
    failureException = Failure

    def test_own_failure_exception(self):
        self.assertEqual(total([1, 2]), 3)


def test_raises_did_not_raise():
    with pytest.raises(TypeError):
        total([1, None])
`;

/**
 * Kill attribution of the Python grader (tfactory_rt/outcome.py) on the host's pytest (9 here:
 * `self.subTest` blocks reported apart from their test) for real unittest tests: a failed
 * `self.assert*` in a subTest or a helper method, an error raised inside a unittest `assert*` method,
 * a TestCase's own `failureException` and pytest.raises' DID NOT RAISE are checks (a kill by
 * assertion); an error the mutated code raises is a crash. The same candidates graded in the Docker
 * sandbox (pytest 7) are in fixtures/repos/py-kills (test/integration/evaluate-verdicts.test.ts).
 */
describe.skipIf(!hasPython)('python kill attribution (host /usr/bin/python3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-pykills-'));
  const workspace = join(dir, 'ws');
  let result: GraderResult;

  const test = (name: string): GradedTest => {
    const found = result.tests.find((t) => t.name === name);
    if (!found) throw new Error(`no test ${name} in ${result.tests.map((t) => t.id).join(', ')}`);
    return found;
  };
  /** Kill kind per mutant description (`s + x → s - x`: assertion). */
  const kills = (name: string): Record<string, string> => {
    const byId = new Map(result.mutants.map((m) => [m.id, m.description]));
    return Object.fromEntries(test(name).mutants.killed.map((k) => [byId.get(k.mutant) ?? k.mutant, k.by]));
  };

  beforeAll(async () => {
    mkdirSync(join(workspace, 'tests'), { recursive: true });
    writeFileSync(join(workspace, 'calc.py'), CALC);
    writeFileSync(join(workspace, 'tests', 'test_cand_kills.py'), TESTS);
    writeFileSync(join(workspace, 'pyproject.toml'), '[tool.pytest.ini_options]\npythonpath = ["."]\n');
    ({ result } = await runGrader(dir, workspace, {
      projectRoot: '.',
      candidateFiles: ['tests/test_cand_kills.py'],
      suiteFiles: [],
      changedRanges: { 'calc.py': [{ start: 2, end: 5 }] },
      stabilityRuns: 1,
      seed: 1,
      perTestTimeoutMs: 5000,
      mutation: true,
      maxMutants: 40,
    }));
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a failed self.assertEqual inside self.subTest fails the test as a check, even where the runner reports the subtest apart', () => {
    expect(test('TotalTests::test_subtests').runs[0]?.outcome).toBe('passed');
    const failing = test('TotalTests::test_a_subtest_fails').runs[0];
    expect([failing?.outcome, failing?.failureKind]).toEqual(['failed', 'assertion']);
    expect(failing?.message).toContain('5 != 6');
  });

  it('kills by assertion what the checks catch, in subTests and helper methods, and by crash what the mutated code raises', () => {
    for (const name of ['TotalTests::test_subtests', 'TotalTests::test_through_a_helper_method']) {
      const k = kills(name);
      expect(k['s + x → s - x'], name).toBe('assertion');
      expect(k['s = 0 → pass'], name).toBe('crash'); // UnboundLocalError in calc.py
    }
  });

  it('an error raised inside a unittest assert* method (assertAlmostEqual(None, ...)) is the check failing', () => {
    expect(kills('TotalTests::test_almost_equal')['return s → return None']).toBe('assertion');
  });

  it("a TestCase's own failureException is a check", () => {
    expect(kills('OwnFailureTests::test_own_failure_exception')['s + x → s - x']).toBe('assertion');
  });

  it('pytest.raises failing with DID NOT RAISE is a check', () => {
    const k = kills('test_raises_did_not_raise');
    expect(Object.values(k)).toContain('assertion');
  });
});
