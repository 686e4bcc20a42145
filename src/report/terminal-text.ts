/**
 * Text for a terminal: display width, cutting with "…", wrapping, and making untrusted text safe
 * to print (test names, reasons and notes come from the PR and the model).
 */

const ELLIPSIS = '…';

/**
 * Control characters (C0, DEL, C1: escape sequences, carriage returns), zero-width and bidi
 * controls (which can make printed text read differently from what it is): never printed.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** One line of plain, printable text: controls dropped, line breaks and tabs become spaces, markdown code ticks removed. */
export function sanitizeInline(text: string): string {
  return text.replace(UNSAFE, '').replace(/[\t\n\u2028\u2029]+/g, ' ').replace(/`([^`]*)`/g, '$1');
}

/** Code point ranges a terminal shows two columns wide: East Asian wide and full-width forms, emoji. */
const WIDE: [number, number][] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f900, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];
/** Zero-width spaces and joiners, variation selectors. */
const ZERO: [number, number][] = [[0x200b, 0x200f], [0xfe00, 0xfe0f]];
const MARK = /^\p{M}$/u;

const within = (cp: number, ranges: [number, number][]): boolean => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (MARK.test(ch) || within(cp, ZERO)) return 0;
  return within(cp, WIDE) ? 2 : 1;
}

/** Columns a string takes on a terminal (wide East Asian characters and emoji count 2, combining marks 0). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}

/** The text cut to at most `width` columns, ending in "…" when something was cut. */
export function cutRight(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/** The text cut from the left to at most `width` columns, starting with "…" (keeps the end, e.g. a test's name). */
export function cutLeft(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const chars = [...text];
  let out = '';
  let w = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const ch = chars[i] ?? '';
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out = ch + out;
    w += cw;
  }
  return `${ELLIPSIS}${out}`;
}

/** The text padded with spaces to `width` columns (it is not cut). */
export function padRight(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Pieces (words, or " · "-separated parts) laid out on lines of at most `width` columns: the first
 * line starts with `first`, the others with `rest` (a hanging indent). A piece longer than a line is cut.
 */
export function wrapPieces(pieces: string[], width: number, first: string, rest: string, separator = ' '): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const piece of pieces) {
    const candidate = empty ? line + piece : line + separator + piece;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      empty = false;
      continue;
    }
    if (!empty) lines.push(line.trimEnd());
    const start = empty ? line : rest;
    line = start + cutRight(piece, Math.max(1, width - displayWidth(start)));
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line.trimEnd());
  return lines.map((l) => cutRight(l, width));
}

/** Words of a sentence wrapped to `width`, first line after `first`, the others after `rest`. */
export function wrapText(text: string, width: number, first: string, rest: string): string[] {
  return wrapPieces(text.split(/\s+/).filter(Boolean), width, first, rest);
}

export type Style = 'bold' | 'dim' | 'green' | 'yellow' | 'red' | 'magenta';

const SGR: Record<Style, string> = { bold: '1', dim: '2', green: '32', yellow: '33', red: '31', magenta: '35' };

/** The text in a terminal style (SGR escape codes) when `color` is on, plain otherwise. */
export function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || !style || text === '') return text;
  return `\x1b[${SGR[style]}m${text}\x1b[0m`;
}
