import { describe, expect, it } from 'vitest';
import { isTfError, type TfError } from '../../src/errors.js';
import { parseCommandArgs } from '../../src/cli/args.js';
import { thrownBy } from '../helpers/thrown.js';

const OPTIONS = { repo: { type: 'string' }, json: { type: 'boolean' } } as const;
const HINT = 'see `tfactory spec --help`';

function usageError(fn: () => unknown): TfError {
  const err = thrownBy(fn);
  expect(isTfError(err, 'USAGE')).toBe(true);
  return err as TfError;
}

describe('parseCommandArgs', () => {
  it('parses the command\'s options', () => {
    expect(parseCommandArgs(['--repo', '/r', '--json'], OPTIONS, HINT).values).toEqual({ repo: '/r', json: true });
  });

  it('refuses an unknown or malformed option with the command\'s hint', () => {
    const unknown = usageError(() => parseCommandArgs(['--frob'], OPTIONS, HINT));
    expect(unknown.message).toContain('--frob');
    expect(unknown.hint).toBe(HINT);
    expect(usageError(() => parseCommandArgs(['--repo'], OPTIONS, HINT)).message).toContain('--repo');
  });

  it('refuses positionals unless the command takes them', () => {
    const err = usageError(() => parseCommandArgs(['extra', '--json'], OPTIONS, HINT));
    expect(err.message).toBe("unexpected argument 'extra'");
    expect(err.hint).toBe(HINT);
    expect(parseCommandArgs(['a', 'b'], OPTIONS, HINT, { positionals: true }).positionals).toEqual(['a', 'b']);
  });
});
