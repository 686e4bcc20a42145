import { describe, expect, it } from 'vitest';
import { discoverPythonFile } from '../../../src/languages/python/discover.js';
import { viewTests } from '../../../src/languages/python/discover-view.js';
import { checkPythonExpectedFromCode, checkPythonTautology } from '../../../src/languages/python/tautology.js';

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

  const fromCode = (src: string): string[] => viewTests(discoverPythonFile(src)).flatMap((v) => checkPythonExpectedFromCode(v).map((f) => `${f.rule}:${f.severity}:${f.message.split(' on the same')[0]}`));

  it.each([
    ['another project function on the same input', 'from ledger.amounts import order_total\nfrom ledger.report import invoice_total\ndef test_x():\n    lines = [(4, 50)]\n    assert order_total(lines) == invoice_total(lines)\n', 'ledger.report.invoice_total(...) computes the expected side'],
    ['through a local and a subscript', 'from ledger.amounts import order_total\nfrom ledger.report import invoice\ndef test_x():\n    lines = [(10, 10)]\n    expected = invoice(lines)["total"]\n    assert order_total(lines) == expected\n', 'ledger.report.invoice(...) computes the expected side'],
    ['a module imported whole', 'from ledger import amounts, report\ndef test_x():\n    assert amounts.order_total([(1, 2)]) == report.invoice_total([(1, 2)])\n', 'ledger.report.invoice_total(...) computes the expected side'],
    ['a helper of the file that calls project code', 'from ledger.amounts import order_total\nfrom ledger.report import invoice_total\ndef _expected(lines):\n    return invoice_total(lines)\ndef test_x():\n    lines = [(1, 2)]\n    assert order_total(lines) == _expected(lines)\n', '_expected(...) computes the expected side'],
    ['assertEqual, expected first', 'import unittest\nfrom ledger.amounts import order_total\nfrom ledger.report import invoice_total\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(invoice_total(self.lines), order_total(self.lines))\n', 'ledger.amounts.order_total(...) computes the expected side'],
  ])('expected side computed through project code: %s → expected-from-code (low)', (_, src, callee) => {
    expect(fromCode(src)).toEqual([`expected-from-code:low:${callee}`]);
  });

  it.each([
    ['a literal', 'from ledger.amounts import order_total\ndef test_x():\n    assert order_total([(10, 10)]) == 95\n'],
    ['the standard library', 'from ledger.amounts import order_total\ndef test_x():\n    lines = [(2, 5)]\n    assert order_total(lines) == sum(q * p for q, p in lines)\n'],
    ['a helper of the file using only the standard library', 'import math\nfrom ledger.amounts import order_total\ndef _independent(lines):\n    gross = sum(q * p for q, p in lines)\n    return gross - math.floor(gross * 5 / 100)\ndef test_x():\n    lines = [(10, 10)]\n    assert order_total(lines) == _independent(lines)\n'],
    ['project code on other inputs (a constructor of the expected value)', 'from ledger.amounts import parse\nfrom ledger.money import Amount\ndef test_x():\n    assert parse(" 1,200 ") == Amount(1200)\n'],
    ['the same function on both sides (a property)', 'from ledger.amounts import norm\ndef test_x():\n    x = " A "\n    assert norm(norm(x)) == norm(x)\n'],
  ])('expected side independent: %s → nothing', (_, src) => {
    expect(fromCode(src)).toEqual([]);
  });
});
