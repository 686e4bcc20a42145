import { describe, expect, it } from 'vitest';
import { discoverTsFile, syntaxErrorsOf } from '../../../src/languages/typescript/discover.js';

describe('TS/JS test discovery', () => {
  it('names tests by their describe path, with .each, .only, .skip and nesting', () => {
    const src = [
      "import { describe, it, test, expect } from 'vitest';",
      "describe('pricing', () => {",
      "  it('takes 10% off', () => { expect(1).toBe(1); });",
      "  describe.each([[1], [2]])('for %i', (n) => {",
      "    test.each([1, 2])('adds %i', (m) => { expect(n + m).toBeGreaterThan(0); });",
      '  });',
      "  it.only(`template ${1}`, async () => { expect(1).toBe(1); });",
      "  it.todo('later');",
      '});',
      "test.skip('top level', function () { expect(2).toBe(2); });",
      "it.each`a | b\n${1} | ${2}`('tagged $a', ({ a }) => { expect(a).toBe(1); });",
    ].join('\n');
    const model = discoverTsFile('t.test.ts', src);
    expect(model.tests.map((t) => t.name)).toEqual([
      'pricing > takes 10% off',
      'pricing > for %i > adds %i',
      'pricing > template ${1}',
      'pricing > later',
      'top level',
      'tagged $a',
    ]);
    expect(model.tests[0]).toMatchObject({ line: 3, endLine: 3 });
    expect(model.tests[1]!.tables).toHaveLength(1);
    expect(model.tests[3]!.body).toBeUndefined();
  });

  it('reads plain JavaScript', () => {
    const model = discoverTsFile('t.test.js', "const { test } = require('@jest/globals');\ntest('js', () => { expect(f()).toBe(1); });\n");
    expect(model.tests.map((t) => t.name)).toEqual(['js']);
  });

  it('reports syntax errors with their line', () => {
    expect(syntaxErrorsOf('t.test.ts', "it('x', () => {\n  expect(1).toBe(1;\n});\n")[0]).toMatchObject({ line: 2 });
    expect(syntaxErrorsOf('t.test.ts', "it('x', () => { expect(1).toBe(1); });\n")).toEqual([]);
  });
});
