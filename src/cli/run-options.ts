import { TfError } from '../errors.js';
import { parseCommandArgs, type CommandOptions } from './args.js';
import { loadEnv } from '../config/env.js';
import { resolveRunSettings, STABILITY_RUNS, type RunFlags, type RunSettings } from '../config/run-settings.js';
import type { CliIo } from './io.js';
import { JSON_MODES, type JsonMode } from '../llm/json-mode.js';

/** Options `run` and `evaluate` share: where the change is, the model, the evaluation, the report. */
export const SHARED_RUN_OPTIONS = {
  repo: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, spec: { type: 'string' },
  llm: { type: 'string' }, 'json-mode': { type: 'string' }, stability: { type: 'string' }, 'no-mutation': { type: 'boolean' },
  format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  'no-progress': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, verbose: { type: 'boolean' },
} as const;

/** Help lines of the output and progress options `run` and `evaluate` share. */
export const OUTPUT_HELP = `  --format <f>        text: a summary sized to the terminal, with where the full report is
                      (the default when stdout is a terminal); md: the full markdown report
                      (the default in a pipe or a file); json: the report as JSON
  --out <file>        write the report there (markdown, or JSON with --format json) instead of
                      printing it; on a terminal the summary is still printed, with the file's path
  --no-progress       plain progress lines even on a terminal (the default when not a terminal)
  -q, --quiet         no progress at all: only the report and errors
  --verbose           plain progress lines and the run's logs (info level) on stderr
`;

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

/** How the report is shown: the full markdown, the JSON report, or the terminal rendering (src/report/render-terminal.ts). */
export type ReportFormat = 'md' | 'json' | 'text';

/**
 * `--format md|json|text`. Without it: the terminal rendering when stdout is a terminal, the
 * markdown otherwise (pipes and files keep getting markdown, so scripts do not break).
 */
export function parseFormat(value: unknown, isTty: boolean): ReportFormat {
  if (value === undefined) return isTty ? 'text' : 'md';
  if (value === 'md' || value === 'markdown') return 'md';
  if (value === 'json' || value === 'text') return value;
  throw new TfError('USAGE', `--format must be md, json or text, not '${String(value)}'`);
}

/** The run flags the shared options set (checked here, resolved with the rest in resolveRunSettings). */
export function sharedRunFlags(o: { llm?: unknown; 'json-mode'?: unknown; stability?: unknown; 'no-mutation'?: unknown }): RunFlags {
  const stability = wholeNumber('stability', o.stability, STABILITY_RUNS.min, STABILITY_RUNS.max);
  const jsonMode = o['json-mode'];
  if (jsonMode !== undefined && !JSON_MODES.includes(jsonMode as JsonMode)) throw new TfError('USAGE', `--json-mode must be json_schema, json_object or none, not '${String(jsonMode)}'`);
  return {
    ...(typeof o.llm === 'string' ? { llm: o.llm } : {}),
    ...(jsonMode !== undefined ? { jsonMode: jsonMode as JsonMode } : {}),
    ...(stability !== undefined ? { stabilityRuns: stability } : {}),
    ...(o['no-mutation'] === true ? { mutation: false } : {}),
  };
}

/** The settings of a local run: the flags over the environment's defaults (config/run-settings.ts). */
export function localRunSettings(io: CliIo, flags: RunFlags): RunSettings {
  return resolveRunSettings({ flags, env: loadEnv(io.env, io.cwd), cwd: io.cwd });
}
