import { TfError } from '../errors.js';
import { parseCommandArgs, type CommandOptions } from './args.js';
import type { RunOptions } from '../runs/types.js';

/** Options `run` and `evaluate` share: where the change is, the model, the evaluation, the report. */
export const SHARED_RUN_OPTIONS = {
  repo: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, spec: { type: 'string' },
  llm: { type: 'string' }, stability: { type: 'string' }, 'no-mutation': { type: 'boolean' },
  format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

/** The shared options plus a command's own; a parse error is a USAGE error. */
export function parseRunArgs<const E extends CommandOptions>(argv: string[], extra: E, command: string) {
  return parseCommandArgs(argv, { ...SHARED_RUN_OPTIONS, ...extra }, `see \`tfactory ${command} --help\``).values;
}

export function wholeNumber(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new TfError('USAGE', `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseFormat(value: unknown): 'md' | 'json' {
  if (value === undefined || value === 'md' || value === 'markdown') return 'md';
  if (value === 'json') return 'json';
  throw new TfError('USAGE', `--format must be md or json, not '${String(value)}'`);
}

/** The run options the shared flags set. */
export function sharedRunOptions(o: { spec?: unknown; llm?: unknown; stability?: unknown; 'no-mutation'?: unknown }): RunOptions {
  const stability = wholeNumber('stability', o.stability, 1, 10);
  return {
    ...(typeof o.llm === 'string' ? { llm: o.llm } : {}),
    ...(typeof o.spec === 'string' ? { specId: o.spec } : {}),
    evaluation: { ...(stability !== undefined ? { stabilityRuns: stability } : {}), ...(o['no-mutation'] === true ? { mutation: false } : {}) },
  };
}
