import { describe, expect, it } from 'vitest';
import { checkCriterionNumbers, extractCriterionNumbers, numbersInCode } from '../../src/languages/criterion-check.js';
import type { AcceptanceCriterion } from '../../src/criteria/types.js';

const ac = (id: string, text: string): AcceptanceCriterion => ({ id, text, syntax: 'bullet', source: { path: 'spec.md', line: 1 } });

describe('criterion numbers', () => {
  it('reads percentages, counts, codes, number words and durations', () => {
    const nums = extractCriterionNumbers('AC#2: orders over 1,000 get a 10% discount, at most three retries, returns 404 within 30 seconds');
    expect(nums.map((n) => n.text)).toEqual(['1,000', '10%', 'three', '404', '30']);
    expect(nums[1]!.values).toEqual(expect.arrayContaining([10, 0.1, 0.9, 90]));
    expect(nums[2]!.values).toEqual([3]);
    expect(nums[4]!.values).toEqual(expect.arrayContaining([30, 30000]));
  });

  it('ignores the criterion id and version strings', () => {
    expect(extractCriterionNumbers('AC#7 works with v1.2.3')).toEqual([]);
  });

  it('reads numeric literals of Python and TS code', () => {
    expect([...numbersInCode('assert f(1_000, 0.9) == 900.5 and x1 == "404"')].sort((a, b) => a - b)).toEqual([0.9, 404, 900.5, 1000]);
  });

  it.each([
    ['the percentage as a rate', 'assert apply_discount(200, 0.1) == 180'],
    ['the complement of the percentage', 'expect(applyDiscount(200)).toBe(200 * 0.9)'],
    ['the percentage itself', 'assert apply_discount(price, 10) == 90'],
    ['the status code in a string', 'expect(res.text).toBe("404 Not Found")'],
  ])('a test that uses %s passes', (_, text) => {
    expect(checkCriterionNumbers(text, [ac('AC#1', 'A 10% discount applies; unknown items return 404')], 5)).toEqual([]);
  });

  it('flags a test whose checks use none of the stated numbers (medium)', () => {
    const out = checkCriterionNumbers('assert apply_discount(200) == 170', [ac('AC#1', 'A 10% discount applies'), ac('AC#2', 'at most 3 retries')], 7);
    expect(out).toEqual([
      { rule: 'criterion-number', severity: 'medium', message: "AC#1 states 10% but none of these appear in the test's checks", line: 7 },
      { rule: 'criterion-number', severity: 'medium', message: "AC#2 states 3 but none of these appear in the test's checks", line: 7 },
    ]);
  });

  it('skips criteria without numbers and tests without checks', () => {
    expect(checkCriterionNumbers('assert f() == 1', [ac('AC#1', 'the cart shows its total')], 1)).toEqual([]);
    expect(checkCriterionNumbers('  ', [ac('AC#1', 'at most 3 retries')], 1)).toEqual([]);
  });
});
