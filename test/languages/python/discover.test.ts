import { describe, expect, it } from 'vitest';
import { applyDiscoveredTests, discoverPythonFile } from '../../../src/languages/python/discover.js';
import { scanPython } from '../../../src/languages/python/discover-tokens.js';

const names = (src: string): string[] => discoverPythonFile(src).tests.map((t) => t.name);

describe('python test discovery (TS scanner)', () => {
  it('finds module-level tests, Test* class methods and TestCase methods', () => {
    const src = [
      'import unittest',
      'def helper():',
      '    def test_inner():',
      '        pass',
      'def test_one():',
      '    assert 1 == 1',
      'async def test_async():',
      '    assert 1 == 1',
      'class TestPricing:',
      '    def setup_method(self):',
      '        pass',
      '    def test_two(self):',
      '        assert 2 == 2',
      '    class TestNested:',
      '        def test_three(self):',
      '            assert 3 == 3',
      'class PricingCase(unittest.TestCase):',
      '    def test_four(self):',
      '        self.assertEqual(4, 4)',
      'class Helper:',
      '    def test_not_collected(self):',
      '        pass',
    ].join('\n');
    expect(names(src)).toEqual(['test_one', 'test_async', 'TestPricing::test_two', 'TestPricing::TestNested::test_three', 'PricingCase::test_four']);
  });

  it('gives each test its def line, end line and decorators', () => {
    const src = 'import pytest\n\n@pytest.mark.parametrize("x", [1, 2])\ndef test_p(x):\n    y = (x +\n         1)\n    assert y > x\n\nX = 1\n';
    const [t] = discoverPythonFile(src).tests;
    expect(t).toMatchObject({ name: 'test_p', line: 4, endLine: 7 });
    expect(t!.decorators.map((d) => d.line)).toEqual([3]);
  });

  it('does not end a function inside a multi-line string', () => {
    const src = 'def test_doc():\n    text = """\nnot code\ndef test_fake():\n"""\n    assert text\n';
    expect(names(src)).toEqual(['test_doc']);
    expect(discoverPythonFile(src).tests[0]!.endLine).toBe(6);
  });

  it('masks strings and drops comments', () => {
    const src = scanPython('x = f("a # b", \'c\')  # tail\n');
    expect(src.lines[0]!.code).toBe('x = f(__s0__, __s1__)');
    expect(src.strings).toEqual(['a # b', 'c']);
  });

  it('takes names and ranges from Python ast output when given', () => {
    const model = discoverPythonFile('def test_a():\n    assert 1\ndef test_b():\n    assert 2\n');
    const applied = applyDiscoveredTests(model, [{ name: 'test_b', line: 3, endLine: 4 }, { name: 'test_c', line: 1, endLine: 2 }]);
    expect(applied.tests.map((t) => [t.name, t.line, t.lines.length])).toEqual([['test_b', 3, 2], ['test_c', 1, 2]]);
  });
});
