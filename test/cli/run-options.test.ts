import { describe, expect, it } from 'vitest';
import { isTfError } from '../../src/errors.js';
import { parseFormat, parseRunArgs, sharedRunFlags, wholeNumber } from '../../src/cli/run-options.js';
import { thrownBy } from '../helpers/thrown.js';

describe('wholeNumber', () => {
  it('is undefined when the option is absent, the number when in range', () => {
    expect(wholeNumber('stability', undefined, 1, 10)).toBeUndefined();
    expect(wholeNumber('stability', '1', 1, 10)).toBe(1);
    expect(wholeNumber('stability', '10', 1, 10)).toBe(10);
  });

  it.each(['0', '11', '2.5', 'three', ''])('refuses %j with the range in the message', (value) => {
    const err = thrownBy(() => wholeNumber('stability', value, 1, 10));
    expect(isTfError(err, 'USAGE')).toBe(true);
    expect((err as Error).message).toBe('--stability must be a whole number from 1 to 10');
  });
});

describe('parseFormat', () => {
  it('accepts md, markdown, json and text, whatever stdout is', () => {
    for (const isTty of [false, true]) {
      expect(['md', 'markdown', 'json', 'text'].map((f) => parseFormat(f, isTty))).toEqual(['md', 'md', 'json', 'text']);
    }
  });

  it('defaults to the terminal rendering on a terminal and to markdown in a pipe or file', () => {
    expect(parseFormat(undefined, true)).toBe('text');
    expect(parseFormat(undefined, false)).toBe('md');
  });

  it('refuses anything else', () => {
    const err = thrownBy(() => parseFormat('html', true));
    expect(isTfError(err, 'USAGE')).toBe(true);
    expect((err as Error).message).toBe("--format must be md, json or text, not 'html'");
  });
});

describe('sharedRunFlags', () => {
  it('sets only the flags given', () => {
    expect(sharedRunFlags({})).toEqual({});
    expect(sharedRunFlags({ llm: 'replay:t.json', stability: '5', 'no-mutation': true })).toEqual({ llm: 'replay:t.json', stabilityRuns: 5, mutation: false });
    expect(sharedRunFlags({ 'no-mutation': false })).toEqual({});
  });

  it('checks --stability against the allowed runs', () => {
    expect(isTfError(thrownBy(() => sharedRunFlags({ stability: '0' })), 'USAGE')).toBe(true);
    expect(isTfError(thrownBy(() => sharedRunFlags({ stability: '11' })), 'USAGE')).toBe(true);
  });
});

describe('parseRunArgs', () => {
  it('parses the shared options with a command\'s own, and points at the command\'s help on a mistake', () => {
    expect(parseRunArgs(['--repo', '.', '--no-mutation', '--commit'], { commit: { type: 'boolean' } }, 'run')).toMatchObject({ repo: '.', 'no-mutation': true, commit: true });
    const err = thrownBy(() => parseRunArgs(['--commit'], {}, 'evaluate'));
    expect(isTfError(err, 'USAGE')).toBe(true);
    expect((err as { hint?: string }).hint).toBe('see `tfactory evaluate --help`');
  });
});
