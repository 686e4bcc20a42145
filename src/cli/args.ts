import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError, TfError } from '../errors.js';

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs, strict, for every command: an unknown or malformed option is a USAGE error
 * carrying the command's hint; positionals only where the command takes them.
 */
export function parseCommandArgs<const O extends CommandOptions>(argv: string[], options: O, hint: string, opts: { positionals?: boolean } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new TfError('USAGE', describeError(err), { hint });
  }
  if (!opts.positionals && parsed.positionals.length > 0) {
    throw new TfError('USAGE', `unexpected argument '${parsed.positionals[0]}'`, { hint });
  }
  return parsed;
}
