import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderTerminal } from '../report/render-terminal.js';
import type { Report } from '../report/types.js';
import type { CliIo } from './io.js';
import type { ReportFormat } from './run-options.js';

export interface ReportOutput {
  format: ReportFormat;
  /** Report file: markdown, or JSON with `format: 'json'`; default: print to stdout. */
  out?: string;
  /** How to get the full report, for the terminal rendering's last line when no file holds it. */
  hint?: string;
}

const DEFAULT_HINT = 'print it with --format md, or write it with --out <file>';

/** The terminal rendering's width (COLUMNS when set, else the renderer's default) and colour (on a terminal, unless NO_COLOR is set). */
export function terminalOptions(io: CliIo): { width?: number; color: boolean } {
  const columns = Number(io.env.COLUMNS);
  return {
    ...(Number.isInteger(columns) && columns > 0 ? { width: columns } : {}),
    color: io.isTty && !io.env.NO_COLOR,
  };
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/**
 * Prints or writes a finished run's report.
 * - `--out <file>`: the file gets the markdown (the JSON with `--format json`); with the terminal
 *   rendering asked for (or defaulted to), stdout gets it too, ending with the file's path.
 * - otherwise stdout gets the format asked for. The terminal rendering is short, so the markdown is
 *   also kept beside the run store (`<store folder>/reports/<run id>.md`) and the rendering says
 *   where: the full report is a file away, not a rerun. With an in-memory store it gives `hint`.
 */
export async function printReport(io: CliIo, report: Report, output: ReportOutput, runStorePath: string): Promise<void> {
  const json = (): string => `${JSON.stringify(report, null, 2)}\n`;
  if (output.out) {
    const target = resolve(io.cwd, output.out);
    await writeText(target, output.format === 'json' ? json() : renderMarkdown(report));
    io.stderr(`tfactory: report written to ${target}\n`);
    if (output.format === 'text') io.stdout(renderTerminal(report, { ...terminalOptions(io), fullReport: { path: target } }));
    return;
  }
  if (output.format !== 'text') {
    io.stdout(output.format === 'json' ? json() : renderMarkdown(report));
    return;
  }
  const kept = runStorePath === ':memory:' ? undefined : join(dirname(runStorePath), 'reports', `${report.run.id.replace(/[^\w-]/g, '_')}.md`);
  const written = kept ? await writeText(kept, renderMarkdown(report)).then(() => true, () => false) : false;
  const fullReport = kept && written ? { path: kept } : { hint: output.hint ?? DEFAULT_HINT };
  io.stdout(renderTerminal(report, { ...terminalOptions(io), fullReport }));
}
