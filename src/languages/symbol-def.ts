import type { LineRange, SymbolKind } from '../git/types.js';

/** A function, method or class found in one version of a file. */
export interface SymbolDef {
  /** `name`, or `Class.method` / `Outer.Inner.method` inside classes. */
  qualifiedName: string;
  kind: SymbolKind;
  /** 1-based inclusive lines, decorators included. */
  range: LineRange;
  /** The definition's header, whitespace collapsed (no body, no trailing `:` / `{`). */
  signature: string;
}

/** One line of text from a (possibly multi-line) header. */
export function collapseSignature(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/([([{])\s+/g, '$1')
    .replace(/,?\s+([)\]}])/g, '$1')
    .replace(/,([)\]])/g, '$1')
    .trim();
}
