/** `AC#1`, `AC-1`, `AC 1`, `ac1` → `AC#1`; anything else → undefined. */
export function normaliseTag(raw: string): string | undefined {
  const m = /^AC\s*[#-]?\s*(\d+[a-z]?)$/i.exec(raw.trim());
  return m ? `AC#${m[1] as string}` : undefined;
}

const TAGGED = /^(?:\*\*|__|`|\[)?\s*(AC\s*[#-]?\s*\d+[a-z]?)\s*:?\s*(?:\*\*|__|`|\])?\s*(?:[:—–)-]|\s)\s*(.+)$/i;

/** Split `**AC#1** — text` / `AC#1: text` / `[AC-1] text` into tag and text. */
export function splitTag(text: string): { tag?: string; text: string } {
  const m = TAGGED.exec(text.trim());
  const tag = m?.[1] ? normaliseTag(m[1]) : undefined;
  if (!m || !tag) return { text: text.trim() };
  return { tag, text: (m[2] as string).replace(/^[\s:—–-]+/, '').trim() };
}

/** A tag mentioned in a Gherkin tag line (`@AC#7`, `@ac-7`) or title (`Scenario: AC#7 — …`). */
export function findTagIn(text: string): string | undefined {
  const m = /(?:^|[\s@])(AC\s*[#-]?\s*\d+[a-z]?)\b/i.exec(text);
  return m?.[1] ? normaliseTag(m[1]) : undefined;
}
