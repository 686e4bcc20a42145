/** A test file cut down to some of its tests (LanguagePlugin.pruneTestFile). */
export interface PrunedTestFile {
  /** The file with the dropped tests removed and everything else kept (imports, fixtures, helpers, hooks). */
  content: string;
  /** Static names of the tests it still holds, in file order. */
  kept: string[];
  /** Static names of the tests removed. */
  dropped: string[];
}

/** Removes the given half-open character ranges from `text` (overlapping or nested ranges merge). */
export function removeRanges(text: string, ranges: Array<[number, number]>, maxBlankLines: number): string {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    out += text.slice(at, Math.max(at, start));
    at = Math.max(at, end);
  }
  out += text.slice(at);
  // A removed block leaves the blank lines around it: never more than the language's style allows in a row.
  return out.replace(new RegExp(`\\n{${maxBlankLines + 2},}`, 'g'), '\n'.repeat(maxBlankLines + 1));
}
