import { pluginFor } from '../../../languages/registry.js';
import type { Language } from '../../../languages/types.js';
import type { ReportTest } from '../../../report/types.js';

/** Strip comments (the language plug-in's way) and fold whitespace, so that two copies of a test differing only in those compare equal. */
export function normaliseSource(source: string, language: Language): string {
  return pluginFor(language).stripComments(source).replace(/\s+/g, ' ').trim();
}

export interface DedupInput {
  test: ReportTest;
  /** The test function's source text. */
  source: string;
  language: Language;
}

/**
 * Keeps the first of each group of identical tests (byte-identical, or identical after normalising
 * whitespace and comments, ignoring the test's own name). The others are returned as duplicates.
 * The cases of one parametrised function (`test_x[a]`, `test_x[b]`, a `.each` row) share its source
 * in the same file: they are that function run on other values, not copies, and are all kept.
 */
export function dedupTests(items: DedupInput[]): { kept: DedupInput[]; duplicates: Array<{ item: DedupInput; of: string }> } {
  const seen = new Map<string, DedupInput>();
  const kept: DedupInput[] = [];
  const duplicates: Array<{ item: DedupInput; of: string }> = [];
  for (const item of items) {
    const body = normaliseSource(item.source, item.language).split(item.test.name.split(/::| > /).pop() ?? item.test.name).join('<name>');
    const key = `${item.language}\u0000${body}`;
    const first = seen.get(key);
    const caseOfFirst = first !== undefined && first.test.file === item.test.file && first.source === item.source;
    if (first !== undefined && body.length > 0 && !caseOfFirst) {
      duplicates.push({ item, of: first.test.id });
    } else {
      if (first === undefined) seen.set(key, item);
      kept.push(item);
    }
  }
  return { kept, duplicates };
}
