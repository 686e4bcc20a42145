/**
 * Statements read from free text a person wrote (a PR description, an issue, a commit message):
 * the untrusted input of derived criteria. Every text is capped before it is read, every statement
 * is one line of plain characters under a length cap, and nothing of it ever reaches a shell.
 */

/** Characters of one source text that are read (a PR body can be megabytes). */
export const MAX_SOURCE_CHARS = 20_000;
/** Characters of one criterion. */
export const MAX_STATEMENT_CHARS = 300;

// Control characters (but tab and newline), bidi overrides and zero-width characters.
// eslint-disable-next-line no-control-regex -- these are exactly what is removed
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** One line, no control or invisible characters, at most `max` characters (cut at a word, with an ellipsis). */
export function cleanStatement(text: string, max = MAX_STATEMENT_CHARS): string {
  const flat = text.replace(UNSAFE_CHARS, '').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > max / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}

/** The text capped at `MAX_SOURCE_CHARS`, with HTML comments (PR templates), fenced code, and `<details>` blocks removed. */
export function stripNoise(text: string): string {
  return text
    .slice(0, MAX_SOURCE_CHARS)
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, '')
    .replace(/<details>[\s\S]*?(?:<\/details>|$)/gi, '');
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/;
const CHECKBOX = /^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s+/;
const HEADING = /^\s{0,3}#{1,6}\s|^\s*(?:=+|-+)\s*$/;
/** PR-template checklist items about the process, not the change. */
const PROCESS_ITEM = /\b(?:tests?|docs?|documentation|changelog|lint(?:er|ing)?|CLA|signed|self-review|reviewed|read the|I have|I've|ran\b|CI\b|breaking change)/i;
/** A line that only links issues (`Fixes #12`, `Closes owner/repo#3`, `Refs #4`). */
const REF_ONLY = /^\s*(?:(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|refs?|see|related(?: to)?|part of)\b:?\s*(?:[\w.-]+\/[\w.-]+)?#\d+[\s,.&]*(?:and\s*)?)+$|^\s*(?:[\w.-]+\/[\w.-]+)?#\d+\s*$/i;
/** Git trailers (`Signed-off-by: …`) and other lines that carry no intent. */
const TRAILER = /^\s*[A-Z][\w-]*(?:-[bB]y|-[Ii]d|-[Ss]pec):\s|^\s*(?:Signed-off-by|Co-authored-by|Change-Id|Reviewed-on):/;

function isNoise(line: string): boolean {
  const t = line.trim();
  if (!t || REF_ONLY.test(t) || TRAILER.test(t)) return true;
  // An image, a bare link, or a line of punctuation / emoji.
  if (/^!\[[^\]]*\]\([^)]*\)$/.test(t) || /^<?https?:\/\/\S+>?$/.test(t)) return true;
  return !/[A-Za-z\u00c0-\u024f\u0370-\u1fff\u3040-\u9fff]{2}/.test(t);
}

/** Words of a statement (links and markdown emphasis dropped). */
function plain(line: string): string {
  return line.replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, '$1');
}

export interface Statement {
  text: string;
  /** 1-based line in the source text. */
  line: number;
}

/**
 * The statements of a description: each list item, and each paragraph (joined into one line);
 * headings, code, HTML comments, issue-link lines, trailers, links and template checklist items
 * about the process are skipped. At most `max` statements, each at most `MAX_STATEMENT_CHARS`.
 */
export function readStatements(text: string | undefined, max: number): Statement[] {
  if (!text) return [];
  const lines = stripNoise(text).split('\n');
  const out: Statement[] = [];
  let para: { line: number; parts: string[] } | undefined;
  const flush = (): void => {
    if (para) {
      const joined = cleanStatement(plain(para.parts.join(' ')));
      if (joined.split(' ').length >= 3) out.push({ text: joined, line: para.line });
    }
    para = undefined;
  };
  lines.forEach((raw, i) => {
    if (HEADING.test(raw) || isNoise(raw)) {
      flush();
      return;
    }
    const item = LIST_ITEM.exec(raw);
    if (item) {
      flush();
      const text = cleanStatement(plain(item[1] ?? ''));
      if (CHECKBOX.test(raw) && PROCESS_ITEM.test(text)) return;
      if (text && !isNoise(text)) out.push({ text, line: i + 1 });
      return;
    }
    if (para) para.parts.push(raw);
    else para = { line: i + 1, parts: [raw] };
  });
  flush();
  const seen = new Set<string>();
  return out.filter((s) => {
    const key = s.text.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, max);
}

/** A title or commit subject as one statement; undefined when it says nothing (`wip`, `fixup! …`, a bare issue link). */
export function readTitle(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = cleanStatement(plain(text.split('\n')[0] ?? ''));
  if (isNoise(t) || /^(?:wip|fixup!|squash!|amend!|merge\b|revert\b|bump\b|\[?wip\]?[: ])/i.test(t) || t.split(' ').length < 2) return undefined;
  return t;
}
