import type { PrunedTestFile } from '../prune-types.js';
import { removeRanges } from '../prune-types.js';
import type { PyLine } from './discover-tokens.js';
import { discoverPythonFile } from './discover.js';

const CLASS = /^class \w+/;

/** Offsets of the start of each 1-based physical line (index 0 unused), and the text's end. */
function lineOffsets(text: string): number[] {
  const starts = [0, 0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  starts.push(text.length);
  return starts;
}

/** Index of the first logical line of a block's head: its decorators, and the comments right above them at its indent. */
function headStart(lines: PyLine[], index: number): number {
  const head = lines[index] as PyLine;
  let k = index;
  while (k > 0 && (lines[k - 1] as PyLine).indent === head.indent && (lines[k - 1] as PyLine).code.startsWith('@')) k--;
  return k;
}

/** Physical line where the comments directly above `line` (same indent, no blank line between) begin. */
function commentStart(physical: string[], line: number, indent: number): number {
  let l = line;
  while (l > 1) {
    const above = physical[l - 2] as string;
    const m = /^(\s*)#/.exec(above);
    if (!m || (m[1] as string).replace(/\t/g, '        ').length !== indent) break;
    l--;
  }
  return l;
}

/** Index just past the block starting at `start` (lines indented deeper than its head). */
function blockEnd(lines: PyLine[], start: number): number {
  const head = lines[start] as PyLine;
  let j = start + 1;
  while (j < lines.length && (lines[j] as PyLine).indent > head.indent) j++;
  return j;
}

/**
 * A Python test file with only the tests `keep` accepts (static names: `test_x`, `TestCart::test_x`)
 * and everything else it holds: imports, constants, fixtures, helpers, `setUp`, the other methods of
 * a test class. A removed test takes its decorators and the comments right above it; a test class
 * whose every test goes is removed whole. Undefined when no test is kept.
 */
export function prunePythonTestFile(content: string, keep: (name: string) => boolean): PrunedTestFile | undefined {
  const model = discoverPythonFile(content);
  const { lines } = model.source;
  const physical = content.split('\n');
  const offsets = lineOffsets(content);
  const kept = model.tests.filter((t) => keep(t.name)).map((t) => t.name);
  if (kept.length === 0) return undefined;
  const dropped = model.tests.filter((t) => !keep(t.name));
  // Logical lines removed, by index.
  const removed = new Set<number>();
  const removeBlock = (index: number): void => {
    const start = headStart(lines, index);
    for (let k = start; k < blockEnd(lines, index); k++) removed.add(k);
  };
  for (const t of dropped) {
    const index = lines.findIndex((l) => l.line === t.line);
    if (index < 0) return undefined;
    removeBlock(index);
  }
  // A test class whose every test goes is removed whole (its set-up has nothing left to serve).
  lines.forEach((l, index) => {
    if (!CLASS.test(l.code)) return;
    const last = lines[blockEnd(lines, index) - 1] as PyLine;
    const inside = model.tests.filter((t) => t.line > l.line && t.line <= last.endLine);
    if (inside.length > 0 && inside.every((t) => !keep(t.name))) removeBlock(index);
  });
  const ranges: Array<[number, number]> = [];
  for (const index of removed) {
    const l = lines[index] as PyLine;
    const first = removed.has(index - 1) ? (lines[index - 1] as PyLine).endLine + 1 : commentStart(physical, l.line, l.indent);
    ranges.push([offsets[first] as number, offsets[l.endLine + 1] as number]);
  }
  return { content: removeRanges(content, ranges, 2), kept, dropped: dropped.map((t) => t.name) };
}
