import { describe, expect, it } from 'vitest';
import { discoverPythonFile } from '../../../src/languages/python/discover.js';
import { viewTests } from '../../../src/languages/python/discover-view.js';
import { checkPythonTautology } from '../../../src/languages/python/tautology.js';

const rules = (src: string): string[] => viewTests(discoverPythonFile(src)).flatMap((v) => checkPythonTautology(v).map((f) => `${f.rule}:${f.severity}`));

describe('python tautology', () => {
  it.each([
    ['same call both sides', 'from app.pricing import f\ndef test_x():\n    assert f(2) == f(2)\n'],
    ['expected computed by the code under test', 'from app.pricing import f\ndef test_x():\n    expected = f(3)\n    assert f(3) == expected\n'],
    ['both through locals', 'from app import pricing\ndef test_x():\n    x = 5\n    result = pricing.total(x)\n    expected = pricing.total(5)\n    assert result == expected\n'],
    ['approx of the same call, parenthesised', 'import pytest\nfrom app import f\ndef test_x():\n    assert (f(0.1) == pytest.approx(f(0.1)))\n'],
    ['assertEqual with the same call', 'import unittest\nfrom app import f\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(f("a"), f("a"))\n'],
  ])('%s → tautology (high)', (_, src) => {
    expect(rules(src)).toEqual(['tautology:high']);
  });

  it.each([
    ['literal expected value', 'from app import f\ndef test_x():\n    assert f(2) == 4\n'],
    ['different arguments (a property)', 'from app import f\ndef test_x():\n    assert f("A") == f("a")\n'],
    ['idempotence', 'from app import norm\ndef test_x():\n    assert norm(norm(" x ")) == norm(" x ")\n'],
    ['reassigned local is not resolved', 'from app import f\ndef test_x():\n    r = f(1)\n    r = f(2)\n    assert f(1) == r\n'],
    ['keyword argument named like a local', 'from app import f\ndef test_x():\n    x = 1\n    assert f(x=2) == 2\n'],
  ])('%s → nothing', (_, src) => {
    expect(rules(src)).toEqual([]);
  });
});
