import type { AcSyntax } from './types.js';
import { splitTag } from './ac-tags.js';
import { isScenarioLine, parseGherkin } from './gherkin.js';
import { cleanText, findHeadings, findSections, markFences, type Heading } from './markdown-sections.js';

/** A criterion as read, before ids are assigned. */
export interface RawAc {
  tag?: string;
  text: string;
  syntax: AcSyntax;
  path: string;
  /** 1-based. */
  line: number;
}

export interface ParseOptions {
  /** Headings that open an acceptance section. */
  section: (heading: string) => boolean;
  /** Headings tried only when no `section` heading exists (e.g. a bare "Requirements"). */
  weakSection?: (heading: string) => boolean;
  /** Subsections to skip inside a section (e.g. "Mocking Requirements"). */
  exclude?: (heading: string) => boolean;
  /**
   * With no matching section: 'anywhere' reads tagged lines, Gherkin scenarios and EARS sentences
   * anywhere; 'anywhere+checklists' adds checklist items; 'whole' reads the whole file as one section.
   */
  fallback: 'anywhere' | 'anywhere+checklists' | 'whole' | 'none';
}

/** Headings that announce acceptance criteria (SPEC-FORMATS.md). */
export function isAcceptanceHeading(text: string): boolean {
  return /\b(acceptance|expected deliverables?)\b/i.test(text) && !/out of scope|non[- ]?goals?/i.test(text);
}

/** "Requirements" also announces criteria, but only where no acceptance heading exists. */
export function isRequirementsHeading(text: string): boolean {
  return /\brequirements?\b/i.test(text) && !/out of scope|non[- ]?goals?|mock/i.test(text);
}

/** Options for a spec file: acceptance sections, else requirements sections, else criteria anywhere. */
export const SPEC_FILE_OPTIONS: ParseOptions = { section: isAcceptanceHeading, weakSection: isRequirementsHeading, fallback: 'anywhere' };

type Mode = 'section' | 'anywhere' | 'anywhere+checklists';

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const CHECKBOX = /^\[( |x|X)\]\s+/;
const GHERKIN_START = /^\s*(Feature:|Scenario|Example:|@\S)/;
const GHERKIN_LINE = /^\s*($|(Feature|Background|Rule|Scenario|Scenario Outline|Example|Examples):|(Given|When|Then|And|But|\*)\s|@\S|\||#)/;

class Reader {
  readonly out: RawAc[] = [];
  private item: { indent: number; line: number; parts: string[]; context?: string } | undefined;
  private para: Array<{ line: number; text: string }> = [];
  private context: string | undefined;

  constructor(private readonly lines: string[], private readonly fenced: boolean[], private readonly headingAt: Map<number, Heading>, private readonly path: string, private readonly mode: Mode) {}

  private push(ac: Omit<RawAc, 'path'>): void {
    if (ac.text) this.out.push({ ...ac, path: this.path });
  }

  private endItem(): void {
    if (!this.item) return;
    const it = this.item;
    this.item = undefined;
    let text = cleanText(it.parts.join(' '));
    let syntax: AcSyntax = 'bullet';
    const box = CHECKBOX.exec(text);
    if (box) {
      text = text.slice(box[0].length);
      syntax = 'checklist';
    }
    const { tag, text: body } = splitTag(text);
    if (tag) syntax = 'tagged';
    else if (syntax === 'bullet' && /\bshall\b/i.test(body)) syntax = 'ears';
    if (this.mode === 'anywhere' && syntax !== 'tagged') return;
    if (this.mode === 'anywhere+checklists' && syntax !== 'tagged' && syntax !== 'checklist') return;
    const withContext = it.context && !tag ? `${it.context}: ${body}` : body;
    this.push({ ...(tag ? { tag } : {}), text: withContext, syntax, line: it.line + 1 });
  }

  private endParagraph(): void {
    const para = this.para;
    this.para = [];
    if (para.length === 0) return;
    // Tagged lines (`AC#1: …` without a bullet): each starts a criterion; untagged lines continue it.
    if (para.some((p) => splitTag(p.text).tag)) {
      let cur: { tag: string; line: number; parts: string[] } | undefined;
      const flush = (): void => {
        if (cur) this.push({ tag: cur.tag, text: cleanText(cur.parts.join(' ')), syntax: 'tagged', line: cur.line + 1 });
      };
      for (const p of para) {
        const { tag, text } = splitTag(p.text);
        if (tag) {
          flush();
          cur = { tag, line: p.line, parts: [text] };
        } else cur?.parts.push(p.text);
      }
      flush();
      return;
    }
    this.readEars(para);
  }

  /** One criterion per sentence that contains "shall". */
  private readEars(para: Array<{ line: number; text: string }>): void {
    let joined = '';
    const starts: Array<{ offset: number; line: number }> = [];
    for (const p of para) {
      starts.push({ offset: joined.length, line: p.line });
      joined += `${p.text.trim()} `;
    }
    const sentence = /[^.!?]+(?:[.!?]+|$)/g;
    for (const m of joined.matchAll(sentence)) {
      const text = cleanText(m[0]);
      if (!/\bshall\b/i.test(text)) continue;
      const offset = (m.index ?? 0) + (m[0].length - m[0].trimStart().length);
      const line = [...starts].reverse().find((s) => s.offset <= offset)?.line ?? para[0]?.line ?? 0;
      this.push({ text, syntax: 'ears', line: line + 1 });
    }
  }

  private endAll(): void {
    this.endItem();
    this.endParagraph();
  }

  /** Read lines [start, end), skipping the excluded [from, to) ranges. */
  read(start: number, end: number, excluded: Array<[number, number]> = []): void {
    for (let i = start; i < end; i++) {
      const skip = excluded.find(([a, b]) => i >= a && i < b);
      if (skip) {
        this.endAll();
        i = skip[1] - 1;
        continue;
      }
      const line = this.lines[i] as string;
      if (this.fenced[i]) {
        this.endAll();
        let j = i + 1;
        while (j < end && this.fenced[j] && !/^\s*(```|~~~)/.test(this.lines[j] as string)) j++;
        for (const s of parseGherkin(this.lines, i + 1, j)) this.push({ ...(s.tag ? { tag: s.tag } : {}), text: cleanText(s.text), syntax: 'gherkin', line: s.index + 1 });
        i = j;
        continue;
      }
      const heading = this.headingAt.get(i);
      if (heading) {
        this.endAll();
        this.context = heading.level === 7 ? heading.text : undefined;
        // `### AC#2: Lockout` inside a section: the heading is the criterion.
        const { tag, text } = splitTag(heading.text);
        if (tag) this.push({ tag, text: cleanText(text), syntax: 'tagged', line: i + 1 });
        continue;
      }
      if (line.trim() === '') {
        this.endAll();
        continue;
      }
      if (GHERKIN_START.test(line) && !this.item && this.para.length === 0 && this.hasScenarioFrom(i, end)) {
        let j = i;
        while (j < end && !this.fenced[j] && !this.headingAt.has(j) && GHERKIN_LINE.test(this.lines[j] as string)) j++;
        for (const s of parseGherkin(this.lines, i, j)) this.push({ ...(s.tag ? { tag: s.tag } : {}), text: cleanText(s.text), syntax: 'gherkin', line: s.index + 1 });
        i = j - 1;
        continue;
      }
      const li = LIST_ITEM.exec(line);
      if (li) {
        const indent = (li[1] as string).length;
        if (this.item && indent > this.item.indent) {
          this.item.parts.push(li[3] as string);
          continue;
        }
        this.endAll();
        this.item = { indent, line: i, parts: [li[3] as string], ...(this.context ? { context: this.context } : {}) };
        continue;
      }
      if (this.item) {
        this.item.parts.push(line.trim());
        continue;
      }
      this.para.push({ line: i, text: line.replace(/^\s*>\s?/, '') });
    }
    this.endAll();
  }

  private hasScenarioFrom(i: number, end: number): boolean {
    for (let j = i; j < end && GHERKIN_LINE.test(this.lines[j] as string); j++) if (isScenarioLine(this.lines[j] as string)) return true;
    return false;
  }
}

/** Read acceptance criteria from one markdown text, in every syntax of SPEC-FORMATS.md. */
export function parseAcsFromMarkdown(text: string, path: string, opts: ParseOptions): RawAc[] {
  // HTML comments (PR templates) hold no criteria; blank them, keeping line numbers.
  const visible = text.replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '));
  const lines = visible.split(/\r?\n/);
  const fenced = markFences(lines);
  const headings = findHeadings(lines, fenced);
  const headingAt = new Map(headings.map((h) => [h.index, h]));
  // A document's H1 title ("# Spec Requirements Document") is not a section when others follow.
  const first = headings[0];
  const sectionHeadings = first && first.level === 1 && headings.length > 1 ? headings.slice(1) : headings;
  let sections = findSections(lines, sectionHeadings, opts.section);
  if (sections.length === 0 && opts.weakSection) sections = findSections(lines, sectionHeadings, opts.weakSection);
  const excludedIn = (start: number, end: number): Array<[number, number]> =>
    opts.exclude ? findSections(lines, headings, opts.exclude).filter((s) => s.heading.index >= start && s.heading.index < end).map((s) => [s.heading.index, s.end]) : [];
  if (sections.length > 0) {
    const reader = new Reader(lines, fenced, headingAt, path, 'section');
    for (const s of sections) reader.read(s.start, s.end, excludedIn(s.start, s.end));
    return reader.out;
  }
  if (opts.fallback === 'none') return [];
  const mode: Mode = opts.fallback === 'whole' ? 'section' : opts.fallback;
  const reader = new Reader(lines, fenced, headingAt, path, mode);
  reader.read(0, lines.length, excludedIn(0, lines.length));
  return reader.out;
}
