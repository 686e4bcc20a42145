/** A heading of a markdown document (ATX `## x`, or a bold line standing alone like `**Acceptance Criteria:**`). */
export interface Heading {
  /** 0-based line index. */
  index: number;
  /** 1..6 for ATX headings; 7 for a bold pseudo-heading (closed by any heading). */
  level: number;
  text: string;
}

/** A run of lines of one section: [start, end) 0-based, heading line excluded. */
export interface Section {
  heading: Heading;
  start: number;
  end: number;
}

const ATX = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BOLD_HEADING = /^\s*(?:\*\*|__)([^*_]+?)(?:\*\*|__)\s*:?\s*$|^\s*(?:\*\*|__)([^*_]+?):(?:\*\*|__)\s*$/;
const FENCE = /^\s*(```|~~~)/;

/** Whether each line sits inside a fenced code block (fence lines included). */
export function markFences(lines: string[]): boolean[] {
  const out: boolean[] = [];
  let open: string | undefined;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (m) {
      out.push(true);
      if (!open) open = m[1];
      else if (m[1] === open) open = undefined;
      continue;
    }
    out.push(open !== undefined);
  }
  return out;
}

export function findHeadings(lines: string[], fenced: boolean[]): Heading[] {
  const out: Heading[] = [];
  lines.forEach((line, index) => {
    if (fenced[index]) return;
    const atx = ATX.exec(line);
    if (atx) {
      out.push({ index, level: (atx[1] as string).length, text: (atx[2] as string).trim() });
      return;
    }
    const bold = BOLD_HEADING.exec(line);
    const text = bold?.[1] ?? bold?.[2];
    if (text) out.push({ index, level: 7, text: text.trim() });
  });
  return out;
}

/** Sections whose heading matches; a matching section nested in another matching one is not repeated. */
export function findSections(lines: string[], headings: Heading[], matches: (text: string) => boolean): Section[] {
  const out: Section[] = [];
  headings.forEach((h, i) => {
    if (!matches(h.text)) return;
    const next = headings.slice(i + 1).find((o) => o.level <= h.level || (h.level === 7 && o.level <= 7));
    const end = next ? next.index : lines.length;
    const start = h.index + 1;
    if (out.some((s) => s.start <= h.index && h.index < s.end)) return;
    out.push({ heading: h, start, end });
  });
  return out;
}

/** Drop bold/italic markers around a whole phrase and collapse whitespace. */
export function cleanText(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/__(.+?)__/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
