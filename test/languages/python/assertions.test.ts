import { describe, expect, it } from 'vitest';
import { checkPythonAssertions, pythonAssertedText } from '../../../src/languages/python/assertions.js';
import { discoverPythonFile } from '../../../src/languages/python/discover.js';
import { viewTests } from '../../../src/languages/python/discover-view.js';

function view(src: string) {
  const views = viewTests(discoverPythonFile(src));
  expect(views).toHaveLength(1);
  return views[0]!;
}
const rules = (src: string): string[] => checkPythonAssertions(view(src)).map((f) => `${f.rule}:${f.severity}`);

describe('python value assertions', () => {
  it.each([
    ['assert result == 42', 'def test_x():\n    result = f()\n    assert result == 42\n'],
    ['pytest.raises', 'import pytest\ndef test_x():\n    with pytest.raises(ValueError):\n        f(-1)\n'],
    ['pytest.approx comparison', 'import pytest\ndef test_x():\n    assert f() == pytest.approx(0.3)\n'],
    ['self.assertEqual', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(f(), 3)\n'],
    ['self.assertRaises', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        with self.assertRaises(KeyError):\n            f()\n'],
    ['assertTrue on a comparison', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertTrue(f() == 2)\n'],
    ['predicate call', 'def test_x():\n    assert is_valid("a@b.c")\n'],
    ['negated predicate', 'def test_x():\n    assert not is_valid("")\n'],
    ['membership', 'def test_x():\n    assert "a" in f()\n'],
    ['mock called with', 'def test_x(mocker):\n    m = mocker.patch("app.send")\n    run()\n    m.assert_called_once_with("hi")\n'],
    ['numpy testing helper', 'import numpy\ndef test_x():\n    numpy.testing.assert_allclose(f(), [1.0])\n'],
    ['helper of the file that asserts', 'def check_total(cart, n):\n    assert cart.total() == n\ndef test_x():\n    check_total(make(), 3)\n'],
    ['one-line test', 'def test_x(): assert f() == 1\n'],
    ['weak then strong', 'def test_x():\n    r = f()\n    assert r is not None\n    assert r.total == 5\n'],
    ['a method of the TestCase that asserts, called on self', 'import unittest\nclass T(unittest.TestCase):\n    def check_total(self, lines, n):\n        self.assertEqual(total(lines), n)\n    def test_x(self):\n        self.check_total([1], 1)\n'],
    ['a helper that asserts through another helper', 'def _eq(a, b):\n    assert a == b\ndef check(n):\n    _eq(f(n), n)\ndef test_x():\n    check(3)\n'],
    ['assertEqual inside subTest', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        for n in [1, 2]:\n            with self.subTest(n=n):\n                self.assertEqual(f(n), n)\n'],
    ['an exact length', 'def test_x():\n    assert len(f()) == 3\n'],
  ])('%s counts as a value check', (_, src) => {
    expect(rules(src)).toEqual([]);
  });

  it.each([
    ['no assert at all', 'def test_x():\n    f(1)\n'],
    ['only a print', 'def test_x():\n    print(f(1))\n'],
    ['assert inside a string', 'def test_x():\n    s = "assert f() == 1"\n    run(s)\n'],
    ['self.fail is not a value check', 'class TestX:\n    def test_x(self):\n        if f():\n            self.fail("no")\n'],
  ])('%s → no-assertion (high)', (_, src) => {
    expect(rules(src)).toEqual(['no-assertion:high']);
  });

  it.each([
    ['is not None', 'def test_x():\n    assert f() is not None\n'],
    ['truthiness of a name', 'def test_x():\n    r = f()\n    assert r\n'],
    ['isinstance', 'def test_x():\n    assert isinstance(f(), dict)\n'],
    ['assertIsNotNone', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertIsNotNone(f())\n'],
    ['assertTrue on a name', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        r = f()\n        self.assertTrue(r)\n'],
    ['a length said to be non-zero', 'def test_x():\n    assert len(f()) > 0\n'],
    ['assertGreater(len(...), 0)', 'import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertGreater(len(f()), 0)\n'],
  ])('%s → weak-assertion (medium; the verdict rejects it)', (_, src) => {
    expect(rules(src)).toEqual(['weak-assertion:medium']);
  });

  it.each([
    ['mock assert_called only', 'def test_x(mocker):\n    m = mocker.patch("app.send")\n    run()\n    m.assert_called_once()\n'],
    ['a weak check and a mock call check', 'def test_x(mocker):\n    m = mocker.patch("app.send")\n    assert run() is not None\n    m.assert_called()\n'],
  ])('%s → call-check-only (medium: a flag, it checks a behaviour)', (_, src) => {
    expect(rules(src)).toEqual(['call-check-only:medium']);
  });

  it('gives the criterion check the checks and the locals they use', () => {
    const text = pythonAssertedText(view('def test_x():\n    price = 250\n    unused = 77\n    result = apply_discount(price, 10)\n    assert result == 225\n'));
    expect(text).toContain('price = 250');
    expect(text).toContain('apply_discount(price, 10)');
    expect(text).not.toContain('77');
  });

  it('includes the test parametrize table and the call under pytest.raises', () => {
    const text = pythonAssertedText(view('import pytest\n@pytest.mark.parametrize("n", [3, 4])\ndef test_x(n):\n    with pytest.raises(TooMany):\n        retry(n + 404)\n'));
    expect(text).toContain('[3, 4]');
    expect(text).toContain('404');
  });
});
