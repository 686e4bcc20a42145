import { describe, expect, it } from 'vitest';
import { discoverTsFile } from '../../../src/languages/typescript/discover.js';
import { staticNameFor } from '../../../src/pipeline/stages/evaluate/match-names.js';

describe('staticNameFor', () => {
  it('matches exact, parametrised and format-templated names', () => {
    expect(staticNameFor('test_total', ['test_total'])).toBe('test_total');
    expect(staticNameFor('test_rates[0.1]', ['test_rates'])).toBe('test_rates');
    expect(staticNameFor('adds 3', ['adds %i'])).toBe('adds %i');
    expect(staticNameFor('Cart > adds 2', ['Cart > adds $n'])).toBe('Cart > adds $n');
    expect(staticNameFor('100% sure', ['100%% sure'])).toBeUndefined();
  });

  it('matches a case whose substituted value is empty (test.each with an empty string)', () => {
    expect(staticNameFor('titleCase >  => ', ['titleCase > %s => %s'])).toBe('titleCase > %s => %s');
    expect(staticNameFor('titleCase > a => A', ['titleCase > %s => %s'])).toBe('titleCase > %s => %s');
    expect(staticNameFor('trainCase > a => A', ['titleCase > %s => %s'])).toBeUndefined();
  });

  it('takes a title computed at run time (`${…}`, braces balanced) for any title, under its literal suite', () => {
    const names = ['withBase > ${JSON.stringify({ a: t.base }) + " + " + t.input}', 'other > literal'];
    expect(staticNameFor('withBase > "/" + "/foo"', names)).toBe(names[0]);
    expect(staticNameFor('withoutBase > "/"', names)).toBeUndefined();
    expect(staticNameFor('parses ${x} as 3', ['parses ${x} as ${y}'])).toBe('parses ${x} as ${y}');
  });

  it('does not match a literal name as a pattern', () => {
    expect(staticNameFor('a.b', ['a?b', 'a*b'])).toBeUndefined();
  });
});

describe('TS discovery of computed titles', () => {
  it('writes a title built at run time as `${expression}` so the runner names match it', () => {
    const src = [
      "describe('withBase', () => {",
      '  for (const t of cases) {',
      '    test(JSON.stringify(t.base) + " + " + JSON.stringify(t.input), () => { expect(withBase(t.input, t.base)).toBe(t.out); });',
      '  }',
      "  it(`keeps ${'a'}`, () => {});",
      "  it('plain', () => {});",
      '});',
    ].join('\n');
    const names = discoverTsFile('x.test.ts', src).tests.map((t) => t.name);
    expect(names).toEqual([
      'withBase > ${JSON.stringify(t.base) + " + " + JSON.stringify(t.input)}',
      "withBase > keeps ${'a'}",
      'withBase > plain',
    ]);
    expect(staticNameFor('withBase > "/api" + "/"', names)).toBe(names[0]);
    expect(staticNameFor('withBase > plain', names)).toBe('withBase > plain');
  });
});
