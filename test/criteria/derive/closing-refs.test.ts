import { describe, expect, it } from 'vitest';
import { findClosingRefs, formatRef, MAX_LINKED_ISSUES } from '../../../src/criteria/derive/closing-refs.js';

const HERE = { owner: 'acme', repo: 'shop' };

describe('findClosingRefs', () => {
  it('reads every closing keyword form GitHub knows, in order, without repeats', () => {
    const body = [
      'Fixes #12',
      'closes: acme/other#3',
      'Resolved https://github.com/acme/shop/issues/4 and also fix GH-5',
      'fixes #12 again',
    ].join('\n');
    expect(findClosingRefs([body], HERE)).toEqual([
      { owner: 'acme', repo: 'shop', number: 12 },
      { owner: 'acme', repo: 'other', number: 3 },
      { owner: 'acme', repo: 'shop', number: 4 },
      { owner: 'acme', repo: 'shop', number: 5 },
    ]);
  });

  it('follows a list after one keyword (Fixes #1, #2 and #3) and reads several texts', () => {
    expect(findClosingRefs(['Fixes #1, #2 and #3', undefined, 'Closes #9'], HERE).map((r) => r.number)).toEqual([1, 2, 3, 9]);
  });

  it('ignores mentions without a closing keyword, and keywords inside words', () => {
    expect(findClosingRefs(['See #4, refs #5, related to #6; prefixes #7; unfixed #8'], HERE)).toEqual([]);
  });

  it('caps the linked issues read for one run', () => {
    const many = Array.from({ length: 20 }, (_, i) => `fixes #${i + 1}`).join('\n');
    expect(findClosingRefs([many], HERE)).toHaveLength(MAX_LINKED_ISSUES);
  });

  it('shows a ref short in its own repository and qualified elsewhere', () => {
    expect(formatRef({ owner: 'Acme', repo: 'Shop', number: 12 }, HERE)).toBe('#12');
    expect(formatRef({ owner: 'acme', repo: 'other', number: 3 }, HERE)).toBe('acme/other#3');
  });
});
