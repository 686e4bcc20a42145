import type { AcceptanceCriterion } from './types.js';
import type { RawAc } from './parse-acs.js';

/**
 * Stable ids: the spec's own tag where it has one, else `AC#<n>` by order of appearance (skipping
 * numbers a tag already uses). A repeated tag gets a suffix (`AC#1.2`) rather than a silent merge.
 */
export function assignIds(raw: RawAc[]): AcceptanceCriterion[] {
  const used = new Set(raw.flatMap((r) => (r.tag ? [r.tag] : [])));
  const seenTags = new Map<string, number>();
  let next = 1;
  return raw.map((r, index) => {
    let id: string;
    if (r.tag) {
      const n = (seenTags.get(r.tag) ?? 0) + 1;
      seenTags.set(r.tag, n);
      id = n === 1 ? r.tag : `${r.tag}.${n}`;
    } else {
      next = Math.max(next, index + 1);
      while (used.has(`AC#${next}`)) next += 1;
      id = `AC#${next}`;
      used.add(id);
      next += 1;
    }
    return { id, text: r.text, syntax: r.syntax, source: { path: r.path, line: r.line } };
  });
}
