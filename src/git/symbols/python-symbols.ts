import type { SymbolKind } from '../types.js';
import { collapseSignature, type SymbolDef } from './symbol-def.js';

/** One Python logical line: physical lines joined by brackets, backslashes or triple-quoted strings. */
interface LogicalLine {
  start: number;
  end: number;
  indent: number;
  /** Text with comments blanked and string contents replaced by spaces (same length as `raw`). */
  code: string;
  /** Text with comments blanked. */
  raw: string;
}

function measureIndent(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width = width - (width % 8) + 8;
    else if (ch === '\f') width = 0;
    else break;
  }
  return width;
}

/** Split Python source into logical lines, skipping blank and comment-only lines. */
export function splitLogicalLines(source: string): LogicalLine[] {
  const lines = source.split(/\r?\n/);
  const out: LogicalLine[] = [];
  let cur: LogicalLine | undefined;
  let depth = 0;
  let quote: string | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    if (!cur) {
      if (/^\s*(#.*)?$/.test(line)) continue;
      cur = { start: n + 1, end: n + 1, indent: measureIndent(line), code: '', raw: '' };
    } else {
      cur.code += '\n';
      cur.raw += '\n';
    }
    let code = '';
    let raw = '';
    let continued = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] as string;
      if (quote) {
        if (ch === '\\') {
          const piece = line.slice(i, i + 2);
          code += ' '.repeat(piece.length);
          raw += piece;
          i += 1;
          if (i >= line.length) continued = true;
          continue;
        }
        if (line.startsWith(quote, i)) {
          code += quote;
          raw += quote;
          i += quote.length - 1;
          quote = undefined;
          continue;
        }
        code += ' ';
        raw += ch;
        continue;
      }
      if (ch === '#') {
        const pad = ' '.repeat(line.length - i);
        code += pad;
        raw += pad;
        break;
      }
      if (ch === '"' || ch === "'") {
        quote = line.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        code += quote;
        raw += quote;
        i += quote.length - 1;
        continue;
      }
      if (ch === '\\' && i === line.length - 1) {
        continued = true;
        code += ' ';
        raw += ' ';
        continue;
      }
      if ('([{'.includes(ch)) depth += 1;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
      code += ch;
      raw += ch;
    }
    if (quote && quote.length === 1 && !continued) quote = undefined; // unterminated: Python would fail too
    cur.code += code;
    cur.raw += raw;
    cur.end = n + 1;
    if (depth === 0 && !quote && !continued) {
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Index of the `:` ending a def/class header (first colon outside brackets after `from`). */
function findHeaderColon(code: string, from: number): number {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const ch = code[i] as string;
    if ('([{'.includes(ch)) depth += 1;
    else if (')]}'.includes(ch)) depth -= 1;
    else if (ch === ':' && depth === 0) return i;
  }
  return code.length;
}

interface OpenBlock {
  indent: number;
  kind: 'function' | 'class';
  /** Set when the block is a recorded symbol (functions nested in functions are not). */
  def?: SymbolDef;
  path: string;
}

const DEF = /^\s*(async\s+def|def|class)\s+([A-Za-z_][A-Za-z0-9_]*)/;

/** Functions, methods and classes of a Python file (indentation scan; no Python needed). */
export function extractPythonSymbols(source: string): SymbolDef[] {
  const defs: SymbolDef[] = [];
  const stack: OpenBlock[] = [];
  let decoratorStart: number | undefined;
  for (const ll of splitLogicalLines(source)) {
    while (stack.length > 0 && (stack[stack.length - 1] as OpenBlock).indent >= ll.indent) stack.pop();
    for (const b of stack) if (b.def) b.def.range.end = ll.end;
    if (/^\s*@/.test(ll.code)) {
      decoratorStart ??= ll.start;
      continue;
    }
    const m = DEF.exec(ll.code);
    if (!m) {
      decoratorStart = undefined;
      continue;
    }
    const keyword = m[1] as string;
    const name = m[2] as string;
    const blockKind: OpenBlock['kind'] = keyword === 'class' ? 'class' : 'function';
    const parent = stack[stack.length - 1];
    const insideFunction = stack.some((b) => b.kind === 'function');
    const path = parent ? `${parent.path}.${name}` : name;
    const block: OpenBlock = { indent: ll.indent, kind: blockKind, path };
    if (!insideFunction) {
      const headerStart = ll.code.search(/\S/);
      const colon = findHeaderColon(ll.code, (m.index ?? 0) + m[0].length);
      const kind: SymbolKind = blockKind === 'class' ? 'class' : parent ? 'method' : 'function';
      block.def = {
        qualifiedName: path,
        kind,
        range: { start: decoratorStart ?? ll.start, end: ll.end },
        signature: collapseSignature(ll.raw.slice(headerStart, colon)),
      };
      defs.push(block.def);
    }
    decoratorStart = undefined;
    stack.push(block);
  }
  return defs;
}
