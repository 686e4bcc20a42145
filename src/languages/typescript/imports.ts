import { posix } from 'node:path';

/** Repo-relative project files a TS/JS file imports by a relative specifier (`from './x.js'`, `import('./x')`, `require('../y')`). */
export function resolveTsImports(file: string, content: string, exists: (path: string) => boolean): string[] {
  const found = new Set<string>();
  for (const m of content.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const spec = posix.join(posix.dirname(file), m[1] as string);
    const stem = spec.replace(/\.(?:[cm]?js|jsx)$/, '');
    const candidates = [spec, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.js`, posix.join(stem, 'index.ts'), posix.join(stem, 'index.js')];
    const hit = candidates.find((c) => /\.[cm]?[jt]sx?$/.test(c) && exists(c));
    if (hit && hit !== file) found.add(hit);
  }
  return [...found];
}
