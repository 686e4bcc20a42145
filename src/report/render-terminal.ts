import { ACCEPTED_PLAINLY, describeSettings } from './render-markdown.js';
import { describeTarget } from './publication.js';
import type { Report, ReportAc, ReportTest, Verdict, VerdictReason } from './types.js';
import { cutLeft, cutRight, displayWidth, padRight, paint, sanitizeInline, wrapPieces, wrapText, type Style } from './terminal-text.js';

export interface TerminalRenderOptions {
  /** Columns no line may exceed; default: the terminal's width, else 100. */
  width?: number;
  /** Colour the verdict and status words (SGR codes); default off. */
  color?: boolean;
  /** Where the full report is: the file it was written to, or how to get it printed. */
  fullReport?: { path: string } | { hint: string };
}

const DEFAULT_WIDTH = 100;
/** Below this the table cannot be laid out; lines are still cut to the width asked. */
const MIN_WIDTH = 20;
const GAP = '  ';
const LABEL = 10;

const VERDICT_WORD: Record<Verdict, string> = { accept: 'accepted', flag: 'flagged', reject: 'rejected', error: 'error' };
const VERDICT_STYLE: Record<Verdict, Style> = { accept: 'green', flag: 'yellow', reject: 'red', error: 'magenta' };
const AC_STYLE: Record<ReportAc['status'], Style> = { verified: 'green', flagged: 'yellow', unverified: 'dim' };
const VERDICT_ORDER: Verdict[] = ['accept', 'flag', 'reject', 'error'];
/** The reason severity that explains each verdict. */
const MAIN_SEVERITY: Record<Verdict, VerdictReason['severity']> = { accept: 'info', flag: 'flag', reject: 'reject', error: 'error' };

interface Cell {
  text: string;
  style?: Style;
}

interface Column {
  header: string;
  /** Narrowest the column gets before the line is cut. */
  min: number;
  /** Widest the column gets, whatever its content. */
  max?: number;
  /** How readily the column gives up room when the line is too long (higher: sooner). */
  give: number;
  /** Which end of a long cell is cut. */
  cut: 'left' | 'right';
}

/** The width to lay out for: the one asked, else the terminal's, else 100 (never under 20). */
export function terminalWidth(asked?: number): number {
  return Math.max(MIN_WIDTH, Math.floor(asked ?? (process.stdout.columns || DEFAULT_WIDTH)));
}

/**
 * The report for a terminal: a short header, the summary, a table of tests (verdict, test, criteria,
 * main reason; for an accepted test its evidence), the criteria ledger, stuck subtasks, notes, and where the full report is. No line
 * is wider than `width`; long cells end (or, for test ids, start) with "…". Text from the report
 * is printed without control characters, so a test name cannot drive the terminal.
 */
export function renderTerminal(report: Report, opts: TerminalRenderOptions = {}): string {
  const width = terminalWidth(opts.width);
  const color = opts.color === true;
  const out: string[] = [
    ...header(report, width, color),
    '',
    ...summary(report, width, color),
    '',
    ...testsTable(report.tests, width, color),
    ...ledger(report.acs, report.summary, width, color),
    ...stuck(report, width, color),
    ...published(report, width, color),
    ...notes(report.notes, width, color),
    ...footer(opts.fullReport ?? { hint: 'print it with --format md' }, width),
  ];
  return `${out.map((l) => l.trimEnd()).join('\n')}\n`;
}

function title(text: string, width: number, color: boolean): string {
  return paint(cutRight(text, width), 'bold', color);
}

/** A labelled line whose " · "-separated parts wrap under the label. */
function labelled(label: string, parts: string[], width: number): string[] {
  return wrapPieces(parts.map(sanitizeInline), width, padRight(label, LABEL), ' '.repeat(LABEL), ' · ');
}

function duration(report: Report): string | undefined {
  const ms = Date.parse(report.run.finishedAt) - Date.parse(report.run.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

function header(report: Report, width: number, color: boolean): string[] {
  const r = report.run;
  const u = report.usage;
  const took = duration(report);
  return [
    title(`TFactory report${report.spec && !report.spec.derived ? ` · ${sanitizeInline(report.spec.id)}` : report.spec?.derived ? ' · no spec' : ''}`, width, color),
    ...labelled('Run', [r.id, r.source, `head ${r.headSha.slice(0, 12)}`, `base ${r.baseSha.slice(0, 12)}`, ...(took ? [`took ${took}`] : []), `TFactory ${r.tfactoryVersion}`], width),
    ...(report.spec?.derived ? labelled('Spec', [report.spec.derived.label], width) : report.spec ? labelled('Spec', [`${report.spec.path} (${report.spec.kind})`], width) : labelled('Spec', ['none found'], width)),
    ...labelled('Settings', describeSettings(report.settings, { model: false }).split(' · '), width),
    ...labelled('Model', [`${u.provider}/${u.model}`, `${u.calls} calls`, `${u.inputTokens} in / ${u.outputTokens} out tokens`, `$${u.costUsd.toFixed(4)}`], width),
    ...(r.dryRun ? [cutRight('Dry run: nothing was committed.', width)] : []),
  ];
}

function summary(report: Report, width: number, color: boolean): string[] {
  const s = report.summary;
  const counts: [number, string, Style | undefined][] = [
    [s.accepted, 'accepted', 'green'], [s.flagged, 'flagged', 'yellow'], [s.rejected, 'rejected', 'red'],
    [s.errors, s.errors === 1 ? 'error' : 'errors', 'magenta'], [s.stuck, 'stuck', 'yellow'],
  ];
  const parts = [...counts.map(([n, word]) => `${n} ${word}`), `criteria verified ${s.acsVerified}/${s.acsTotal}`];
  const lines = wrapPieces(parts, width, padRight('Summary', LABEL), ' '.repeat(LABEL), ' · ');
  if (!color) return lines;
  // The parts are plain words and numbers: colour each count that is not zero where it stands.
  return lines.map((line) => counts.reduce((l, [n, word, style]) => (n > 0 ? l.replace(new RegExp(`\\b${n} ${word}\\b`), (m) => paint(m, style, true)) : l), line));
}

/** Why the test got its verdict: the first reason of the verdict's severity; for an accepted test, its evidence in short. */
function mainReason(t: ReportTest): string {
  if (t.verdict === 'accept') return acceptedEvidence(t);
  const main = t.reasons.find((r) => r.severity === MAIN_SEVERITY[t.verdict]) ?? t.reasons[0];
  return main ? main.text : '–';
}

function acceptedEvidence(t: ReportTest): string {
  const { failToPass, mutation: m, coverage: c } = t.signals;
  const parts = [
    ...(failToPass === 'fail-to-pass' ? ['fail-to-pass'] : []),
    ...(m && m.killed + m.survived > 0 ? [`kills ${m.killed}/${m.killed + m.survived} mutants`] : []),
    ...(c && c.changedTotal > 0 ? [`covers ${c.coveredCount}/${c.changedTotal} lines`] : []),
  ];
  return parts.length > 0 ? parts.join(' · ') : ACCEPTED_PLAINLY;
}

function testsTable(tests: ReportTest[], width: number, color: boolean): string[] {
  if (tests.length === 0) return [title('Tests: none', width, color), ''];
  const sorted = VERDICT_ORDER.flatMap((v) => tests.filter((t) => t.verdict === v));
  const columns: Column[] = [
    { header: 'VERDICT', min: 8, give: 0, cut: 'right' },
    { header: 'TEST', min: 12, give: 1, cut: 'left' },
    { header: 'CRITERIA', min: 8, max: 16, give: 2, cut: 'right' },
    { header: 'REASON', min: 10, give: 1, cut: 'right' },
  ];
  const rows: Cell[][] = sorted.map((t) => [
    { text: VERDICT_WORD[t.verdict], style: VERDICT_STYLE[t.verdict] },
    { text: sanitizeInline(t.id) },
    { text: t.acIds.map(sanitizeInline).join(', ') || '–' },
    { text: sanitizeInline(mainReason(t)) },
  ]);
  return [title(`Tests (${tests.length})`, width, color), ...table(columns, rows, width, color), ''];
}

function ledger(acs: ReportAc[], s: Report['summary'], width: number, color: boolean): string[] {
  if (acs.length === 0) return [];
  const columns: Column[] = [
    { header: 'CRITERION', min: 9, max: 16, give: 2, cut: 'right' },
    { header: 'STATUS', min: 10, give: 0, cut: 'right' },
    { header: 'TEXT', min: 10, give: 1, cut: 'right' },
  ];
  const rows: Cell[][] = acs.map((ac) => [{ text: sanitizeInline(ac.id) }, { text: ac.status, style: AC_STYLE[ac.status] }, { text: sanitizeInline(ac.text) }]);
  return [title(`Criteria (verified ${s.acsVerified}/${s.acsTotal})`, width, color), ...table(columns, rows, width, color), ''];
}

function stuck(report: Report, width: number, color: boolean): string[] {
  if (report.stuck.length === 0) return [];
  const columns: Column[] = [
    { header: 'TARGET', min: 12, give: 1, cut: 'left' },
    { header: 'CRITERIA', min: 8, max: 16, give: 2, cut: 'right' },
    { header: 'WHY', min: 10, give: 1.5, cut: 'right' },
  ];
  const rows: Cell[][] = report.stuck.map((st) => [
    { text: sanitizeInline(st.target) }, { text: st.acIds.map(sanitizeInline).join(', ') || '–' }, { text: sanitizeInline(st.reasons.join('; ')) },
  ]);
  return [
    title(`Stuck (${report.stuck.length}): no acceptable test could be written; nothing was committed for these`, width, color),
    ...table(columns, rows, width, color),
    '',
  ];
}

/** Where the tests went, one line per file, then the accepted tests left out with why. */
function published(report: Report, width: number, color: boolean): string[] {
  const p = report.publication;
  if (!p) return [];
  const count = p.files.reduce((n, f) => n + f.tests.length, 0);
  return [
    title(`Published: ${count} test${count === 1 ? '' : 's'} in ${p.files.length} file${p.files.length === 1 ? '' : 's'}, ${describeTarget(p)}`, width, color),
    ...p.files.flatMap((f) => wrapText(sanitizeInline(`${f.path} (${f.tests.length} test${f.tests.length === 1 ? '' : 's'}${f.pruned ? ', cut down to the accepted ones' : ''})`), width, '- ', '  ')),
    ...p.leftOut.flatMap((l) => wrapText(sanitizeInline(`not published: ${l.test}: ${l.reason}`), width, '- ', '  ')),
    '',
  ];
}

function notes(list: string[], width: number, color: boolean): string[] {
  if (list.length === 0) return [];
  return [title('Notes', width, color), ...list.flatMap((n) => wrapText(sanitizeInline(n), width, '- ', '  ')), ''];
}

function footer(where: NonNullable<TerminalRenderOptions['fullReport']>, width: number): string[] {
  if ('hint' in where) return wrapText(`Full report: ${where.hint}`, width, '', '  ');
  const line = `Full report: ${where.path}`;
  if (displayWidth(line) <= width) return [line];
  // A path is not cut (it is to be copied): on its own line(s), broken where the width ends.
  const chunks: string[] = [];
  let rest = [...where.path];
  while (rest.length > 0) {
    let n = 0;
    let w = 0;
    while (n < rest.length && w + displayWidth(rest[n] ?? '') <= width) w += displayWidth(rest[n++] ?? '');
    chunks.push(rest.slice(0, Math.max(1, n)).join(''));
    rest = rest.slice(Math.max(1, n));
  }
  return ['Full report:', ...chunks];
}

/**
 * Rows under a header, columns two spaces apart, the last one not padded. When the natural widths
 * do not fit, the column that gives most readily (width × give) shrinks a column at a time, down
 * to its minimum; what still does not fit is cut off the line.
 */
function table(columns: Column[], rows: Cell[][], width: number, color: boolean): string[] {
  const natural = columns.map((c, i) => Math.min(c.max ?? Infinity, Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i]?.text ?? '')))));
  const widths = [...natural];
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  while (total() > width) {
    let pick = -1;
    let best = 0;
    widths.forEach((w, i) => {
      const c = columns[i];
      if (!c || c.give === 0 || w <= c.min) return;
      if (w * c.give > best) {
        best = w * c.give;
        pick = i;
      }
    });
    if (pick < 0) break;
    widths[pick] = (widths[pick] ?? 1) - 1;
  }
  const line = (cells: Cell[], headerRow: boolean): string => {
    const plain = cells.map((cell, i) => {
      const w = widths[i] ?? 0;
      const text = columns[i]?.cut === 'left' ? cutLeft(cell.text, w) : cutRight(cell.text, w);
      return i === cells.length - 1 ? text : padRight(text, w);
    });
    const joined = plain.join(GAP);
    if (displayWidth(joined) > width) return cutRight(joined.trimEnd(), width);
    if (!color) return joined;
    return plain.map((p, i) => {
      const style = headerRow ? 'dim' : cells[i]?.style;
      const text = p.trimEnd();
      return paint(text, style, true) + p.slice(text.length);
    }).join(GAP);
  };
  return [line(columns.map((c) => ({ text: c.header })), true), ...rows.map((r) => line(r, false))];
}
