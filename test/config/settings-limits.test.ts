import { describe, expect, it } from 'vitest';
import { TestPathSchema } from '../../src/config/settings-limits.js';

describe('TestPathSchema', () => {
  it('accepts repo-relative folders and trims them', () => {
    expect(TestPathSchema.parse('tests')).toBe('tests');
    expect(TestPathSchema.parse('  src/__tests__/unit  ')).toBe('src/__tests__/unit');
    expect(TestPathSchema.parse('a..b/c')).toBe('a..b/c');
  });

  it.each(['/etc', '\\share', 'C:\\tests', 'c:/tests', '../outside', 'tests/../../x', 'a\\..\\b', '', '   '])('refuses %j', (path) => {
    expect(TestPathSchema.safeParse(path).success).toBe(false);
  });

  it('says why in the error', () => {
    const result = TestPathSchema.safeParse('../x');
    expect(result.success ? '' : result.error.issues[0]?.message).toBe('must be a folder inside the repository (relative, without "..")');
  });
});
