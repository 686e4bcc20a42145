import type { CoverageResult } from './types.js';
import { attrOf, childrenOf, numberAttr, parseXmlDocument, textOf, type XmlNode } from './xml.js';
import { toRepoRelative, type PathOptions } from './paths.js';
import { mergeCoverage, type LineHits } from './line-hits.js';

/**
 * Parse a Cobertura XML report (coverage.py `coverage xml`, istanbul `cobertura`). Relative
 * `filename`s are resolved against the report's `<source>` (the first one inside opts.repoRoot).
 * Only class-level `<lines>` count (method-level lines repeat them). Empty input → no files.
 */
export function parseCoberturaXml(xml: string, opts: PathOptions = {}): CoverageResult {
  if (xml.trim() === '') return { files: [] };
  const doc = parseXmlDocument(xml, 'Cobertura XML');
  const coverage = childrenOf(doc, 'coverage')[0] ?? (doc['coverage'] as XmlNode | undefined);
  const sources = childrenOf(childrenOf(coverage, 'sources')[0], 'source').map((s) => textOf(s).trim()).filter((s) => s !== '');
  const base = pickSource(sources, opts);
  const hits: LineHits[] = [];
  for (const pkg of childrenOf(childrenOf(coverage, 'packages')[0], 'package')) {
    for (const cls of childrenOf(childrenOf(pkg, 'classes')[0], 'class')) {
      const filename = attrOf(cls, 'filename');
      if (filename === undefined) continue;
      const path = toRepoRelative(filename, opts, base);
      const lines = new Map<number, number>();
      for (const line of childrenOf(childrenOf(cls, 'lines')[0], 'line')) {
        const number = numberAttr(line, 'number');
        if (number === undefined) continue;
        lines.set(number, Math.max(lines.get(number) ?? 0, numberAttr(line, 'hits') ?? 0));
      }
      hits.push({ path, lines });
    }
  }
  return mergeCoverage(hits);
}

function pickSource(sources: string[], opts: PathOptions): string | undefined {
  if (opts.baseDir !== undefined && sources.length === 0) return opts.baseDir;
  const root = opts.repoRoot;
  const inside = root === undefined ? undefined : sources.find((s) => s === root || s.startsWith(root.endsWith('/') ? root : `${root}/`));
  return inside ?? sources[0] ?? opts.baseDir;
}
