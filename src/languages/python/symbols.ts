import type { SymbolKind } from '../../git/types.js';
import { collapseSignature, type SymbolDef } from '../symbol-def.js';
import { restoreLiterals, scanPython } from './discover-tokens.js';

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

/** Functions, methods and classes of a Python file (indentation scan over the scanner's logical lines; no Python needed). */
export function extractPythonSymbols(source: string): SymbolDef[] {
  const scanned = scanPython(source);
  const defs: SymbolDef[] = [];
  const stack: OpenBlock[] = [];
  let decoratorStart: number | undefined;
  for (const ll of scanned.lines) {
    while (stack.length > 0 && (stack[stack.length - 1] as OpenBlock).indent >= ll.indent) stack.pop();
    for (const b of stack) if (b.def) b.def.range.end = ll.endLine;
    if (/^\s*@/.test(ll.code)) {
      decoratorStart ??= ll.line;
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
        range: { start: decoratorStart ?? ll.line, end: ll.endLine },
        signature: collapseSignature(restoreLiterals(scanned, ll.code.slice(headerStart, colon))),
      };
      defs.push(block.def);
    }
    decoratorStart = undefined;
    stack.push(block);
  }
  return defs;
}
