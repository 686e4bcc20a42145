import { describe, expect, it } from 'vitest';
import { checkCriterionNumbers, extractCriterionNumbers, numbersInCode, splitClauses } from '../../src/languages/criterion-check.js';
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

describe('criterion numbers: the claimed clause and version-like strings', () => {
  it('does not read versions, protocols and names with digits as values', () => {
    const text = 'Works on Python 3.11 and Node 20 with v2 tokens over HTTP/1.1, UTF-8 and SHA-256 (ES2020 output); returns HTTP 404 after 3 tries';
    expect(extractCriterionNumbers(text).map((n) => n.text)).toEqual(['404', '3']);
  });

  it('splits a criterion into its clauses', () => {
    expect(splitClauses('Results are sorted by score, highest first; an empty query returns 0 results. Ties keep their order')).toEqual([
      'Results are sorted by score, highest first', 'an empty query returns 0 results.', 'Ties keep their order',
    ]);
  });

  it('asks a sort-order test nothing about the 0 of another clause', () => {
    const acs = [ac('AC#4', 'Results are sorted by score, highest first; an empty query returns 0 results')];
    expect(checkCriterionNumbers("assert [r.id for r in sort_results(rows)] == ['b', 'a', 'c']", acs, 3, 'test_sorted_by_score_highest_first')).toEqual([]);
    // A test of the empty-query clause must check its 0.
    expect(checkCriterionNumbers('assert len(search("")) == 1', acs, 9, 'test_empty_query_returns_no_results')).toEqual([
      { rule: 'criterion-number', severity: 'medium', message: "AC#4 states 0 but none of these appear in the test's checks", line: 9 },
    ]);
  });

  it('keeps max_gap tests quiet when the 0 belongs to another clause', () => {
    const acs = [ac('AC#2', 'max_gap returns the largest difference between neighbours, and an empty list gives 0')];
    expect(checkCriterionNumbers('assert max_gap([1, 5, 6]) == 4', acs, 2, 'test_max_gap_largest_difference')).toEqual([]);
  });

  it('is a hint when the test checks another value of the same criterion', () => {
    const acs = [ac('AC#1', 'Orders of 5 or more items get 10% off; the discount never exceeds 50 dollars')];
    const out = checkCriterionNumbers('assert discount(order(items=5, total=1000)) == 100', acs, 4, 'test_discount_never_exceeds_cap');
    expect(out).toEqual([{ rule: 'criterion-number', severity: 'low', message: "AC#1 states 50 but none of these appear in the test's checks", line: 4 }]);
  });
});
