import { describe, expect, it } from 'vitest';
// @ts-expect-error the grader's runtime is plain ESM JavaScript without types
import { vitestNamePattern } from '../../../src/languages/typescript/runtime/runners/vitest.mjs';

describe('vitest name filter', () => {
  const re = new RegExp(vitestNamePattern(['withProtocol literal', 'withBase "/a" + "/b"']) as string);

  it('selects a wanted test whatever vitest puts in front of its name (vitest 1, some vitest 2 projects)', () => {
    expect(re.test('withProtocol literal')).toBe(true);
    expect(re.test('test/zz.test.ts withProtocol literal')).toBe(true);
    expect(re.test(' withProtocol literal')).toBe(true);
    expect(re.test('withBase "/a" + "/b"')).toBe(true);
  });

  it('selects nothing that only shares a part of a wanted name', () => {
    expect(re.test('withProtocol literally')).toBe(false);
    expect(re.test('xwithProtocol literal')).toBe(false);
    expect(re.test('withBase "/a" + "/bc"')).toBe(false);
  });
});
