import { TfError } from '../../errors.js';
import type { CoverageResult } from './types.js';
import { toRepoRelative, type PathOptions } from './paths.js';
import { mergeCoverage, type LineHits } from './line-hits.js';
import { snippetAround } from './xml.js';

/**
 * Parse an LCOV trace (`lcov.info` from vitest/istanbul/c8). Only `SF`, `DA` and `end_of_record`
 * matter; other records (FN, BRDA, LF, …) are skipped. Relative `SF:` paths are relative to
 * opts.baseDir (the project root). Empty input → no files. A `DA` outside a record, or a malformed
 * `DA`, throws RESULT_PARSE_FAILED with the line as evidence.
 */
export function parseLcov(text: string, opts: PathOptions = {}): CoverageResult {
  const entries: LineHits[] = [];
  let current: LineHits | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line === 'TN:' || line.startsWith('TN:')) continue;
    if (line.startsWith('SF:')) {
      current = { path: toRepoRelative(line.slice(3), opts), lines: new Map() };
      entries.push(current);
    } else if (line.startsWith('DA:')) {
      const match = /^DA:(\d+),(-?\d+)(,.*)?$/.exec(line);
      if (current === undefined || match === null) throw parseError(text, i + 1, current === undefined ? 'DA record outside a source file' : 'malformed DA record');
      const no = Number(match[1]);
      current.lines.set(no, Math.max(current.lines.get(no) ?? 0, Number(match[2])));
    } else if (line === 'end_of_record') {
      current = undefined;
    } else if (!/^[A-Z]+:/.test(line)) {
      throw parseError(text, i + 1, 'not an LCOV record');
    }
  }
  return mergeCoverage(entries);
}

function parseError(text: string, line: number, why: string): TfError {
  return new TfError('RESULT_PARSE_FAILED', `LCOV trace could not be parsed: ${why} (line ${line})`, {
    details: { format: 'LCOV', line, snippet: snippetAround(text, line) },
  });
}
