/** GitHub's limit on a check run summary or text, and on a comment body. */
export const GITHUB_TEXT_LIMIT = 65_535;

/**
 * Shortens markdown to `limit` characters, cutting at the last section boundary (a heading line,
 * else a blank line) that fits, and says so in a closing note. Text that fits is returned as is.
 */
export function truncateMarkdown(text: string, limit: number = GITHUB_TEXT_LIMIT, where = 'the full report'): string {
  if (text.length <= limit) return text;
  const note = (omitted: number): string => `\n\n> _Shortened to fit GitHub's limit: ${omitted} characters omitted; see ${where}._\n`;
  // Room for the note with the largest count we could print.
  const budget = limit - note(text.length).length;
  if (budget <= 0) return text.slice(0, limit);
  const head = text.slice(0, budget);
  const cut = lastBoundary(head);
  const kept = text.slice(0, cut).trimEnd();
  return `${kept}${note(text.length - kept.length)}`;
}

function lastBoundary(head: string): number {
  const heading = head.lastIndexOf('\n#');
  if (heading > head.length / 2) return heading;
  const blank = head.lastIndexOf('\n\n');
  if (blank > 0) return blank;
  const line = head.lastIndexOf('\n');
  return line > 0 ? line : head.length;
}

/** A code fence longer than any backtick run inside `content`, so the content cannot close it. */
export function fenceFor(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}
