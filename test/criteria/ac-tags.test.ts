import { describe, expect, it } from 'vitest';
import { findTagIn, normaliseTag, splitTag } from '../../src/criteria/ac-tags.js';

describe('normaliseTag', () => {
  it.each([['AC#1', 'AC#1'], ['AC-2', 'AC#2'], ['AC 3', 'AC#3'], ['ac4', 'AC#4'], [' AC # 12b ', 'AC#12b']])('%j → %j', (raw, tag) => {
    expect(normaliseTag(raw)).toBe(tag);
  });

  it.each(['AC', 'ACX1', 'AC#', 'REQ-1', 'AC#1 extra'])('refuses %j', (raw) => {
    expect(normaliseTag(raw)).toBeUndefined();
  });
});

describe('splitTag', () => {
  it.each([
    ['**AC#1** — Orders of 100 get 10% off', 'AC#1', 'Orders of 100 get 10% off'],
    ['AC#2: Negative prices raise', 'AC#2', 'Negative prices raise'],
    ['[AC-3] Codes ignore case', 'AC#3', 'Codes ignore case'],
    ['`AC 4` - Totals round', 'AC#4', 'Totals round'],
    ['AC5) Free shipping from 50', 'AC#5', 'Free shipping from 50'],
  ])('splits %j', (text, tag, rest) => {
    expect(splitTag(text)).toEqual({ tag, text: rest });
  });

  it('leaves untagged text alone (trimmed)', () => {
    expect(splitTag('  Orders ship free  ')).toEqual({ text: 'Orders ship free' });
    expect(splitTag('ACME orders ship free')).toEqual({ text: 'ACME orders ship free' });
  });
});

describe('findTagIn', () => {
  it('finds a tag in a Gherkin tag line or scenario title', () => {
    expect(findTagIn('@smoke @ac-7')).toBe('AC#7');
    expect(findTagIn('Scenario: AC#8 — big orders')).toBe('AC#8');
  });

  it('finds none inside a longer word', () => {
    expect(findTagIn('Scenario: TRAC1 handling')).toBeUndefined();
    expect(findTagIn('Scenario: plain')).toBeUndefined();
  });
});
