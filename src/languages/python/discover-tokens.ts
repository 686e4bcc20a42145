/**
 * The Python source scanner (pure TypeScript), the one tokenizer of the Python plug-in: splits a
 * file into logical lines (brackets and backslash continuations joined), drops comments, and
 * replaces every string literal by a placeholder `__sN__` whose text is kept in `strings[N]` (and
 * its source spelling in `literals[N]`). The changed-symbol reader and the lint, assertion and
 * tautology checks work on these masked lines, so a `def` or a `time.sleep` inside a string or
 * comment is never seen.
 */

export interface PyLine {
  /** 1-based first physical line. */
  line: number;
  /** 1-based last physical line. */
  endLine: number;
  /** Indentation width of the first physical line (tab = 8). */
  indent: number;
  /** Source with comments removed, string literals masked, whitespace runs collapsed. */
  code: string;
}

export interface PySource {
  lines: PyLine[];
  /** Contents of the masked string literals (without prefix and quotes). */
  strings: string[];
  /** The same literals as written in the source (prefix, quotes and escapes kept). */
  literals: string[];
}

const STRING_PLACEHOLDER = /__s(\d+)__/g;

/** The string literal behind a placeholder token, or undefined when `token` is not one. */
export function stringOf(src: PySource, token: string): string | undefined {
  const m = /^__s(\d+)__$/.exec(token.trim());
  return m ? src.strings[Number(m[1])] : undefined;
}

/** `code` with every placeholder put back as the source spelled it (for signatures). */
export function restoreLiterals(src: PySource, code: string): string {
  return code.replace(STRING_PLACEHOLDER, (_, n: string) => src.literals[Number(n)] ?? '');
}

/** `code` with every placeholder replaced by a quoted literal (for messages and comparisons). */
export function unmask(src: PySource, code: string): string {
  return code.replace(STRING_PLACEHOLDER, (_, n: string) => JSON.stringify(src.strings[Number(n)] ?? ''));
}

export function scanPython(text: string): PySource {
  const strings: string[] = [];
  const literals: string[] = [];
  const lines: PyLine[] = [];
  let code = '';
  let depth = 0;
  let line = 1;
  let startLine = 1;
  let indent = 0;
  let atLineStart = true;
  let i = 0;

  const endLogical = (): void => {
    const trimmed = code.replace(/\s+/g, ' ').trim();
    if (trimmed) lines.push({ line: startLine, endLine: line, indent, code: trimmed });
    code = '';
    depth = 0;
    atLineStart = true;
  };

  while (i < text.length) {
    const c = text[i] as string;
    if (atLineStart) {
      let width = 0;
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\f')) {
        width = text[j] === '\t' ? width + 8 - (width % 8) : text[j] === '\f' ? 0 : width + 1;
        j++;
      }
      indent = width;
      startLine = line;
      atLineStart = false;
      i = j;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      code += ' ';
      line++;
      i += text[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (c === '\n') {
      if (depth > 0) {
        code += ' ';
        line++;
        i++;
        continue;
      }
      endLogical();
      line++;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      // Collect an optional prefix already appended to `code` (r, b, f, rb ...).
      let prefix = '';
      const m = /([rRbBuUfF]{1,2})$/.exec(code);
      if (m && !/[\w]/.test(code.charAt(code.length - (m[1] as string).length - 1) || ' ')) {
        prefix = m[1] as string;
        code = code.slice(0, code.length - prefix.length);
      }
      const raw = /[rR]/.test(prefix);
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      let content = '';
      while (j < text.length) {
        if (text[j] === '\\') {
          const next = text[j + 1] ?? '';
          if (next === '\n') line++;
          content += raw ? `\\${next}` : next === 'n' ? '\n' : next === 't' ? '\t' : next;
          j += 2;
          continue;
        }
        if (text.startsWith(quote, j)) break;
        if (text[j] === '\n') {
          if (!triple) break; // unterminated single-quoted string: stop at the line end
          line++;
        }
        content += text[j];
        j++;
      }
      const end = text.startsWith(quote, j) ? j + quote.length : j;
      strings.push(content);
      literals.push(text.slice(i - prefix.length, end));
      code += `__s${strings.length - 1}__`;
      i = end;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    code += c === '\t' || c === '\r' || c === '\f' ? ' ' : c;
    i++;
  }
  endLogical();
  return { lines, strings, literals };
}

/** Split `code` at top-level occurrences of `sep` (outside brackets). */
export function splitTopLevel(code: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && code.startsWith(sep, i)) {
      parts.push(code.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(code.slice(start));
  return parts.map((p) => p.trim());
}

/** The text inside the brackets that open at `open` (index of `(`), or undefined if unbalanced. */
export function bracketContent(code: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return code.slice(open + 1, i);
    }
  }
  return undefined;
}
