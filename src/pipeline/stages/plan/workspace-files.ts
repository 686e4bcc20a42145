import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import type { LanguageProfile } from '../../../languages/types.js';

/** Reads a repo-relative file of the checkout; undefined when missing or unreadable. */
export function readWorkspaceFile(workspaceDir: string, path: string): string | undefined {
  try {
    return readFileSync(join(workspaceDir, path), 'utf8');
  } catch {
    return undefined;
  }
}

export function workspaceFileExists(workspaceDir: string, path: string): boolean {
  return existsSync(join(workspaceDir, path));
}

const EXT_LANGUAGE: Record<string, LanguageProfile['language']> = {
  '.py': 'python', '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.js': 'javascript', '.jsx': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
};

/** The language profile that covers a changed file: the one listing it, else one of its language whose root holds it. */
export function findProfileForFile(profiles: LanguageProfile[], path: string): LanguageProfile | undefined {
  const listed = profiles.find((p) => p.files.includes(path));
  if (listed) return listed;
  const language = EXT_LANGUAGE[extname(path)];
  const candidates = profiles.filter((p) => p.language === language || (language === 'javascript' && p.language === 'typescript'));
  return candidates
    .filter((p) => isUnder(path, p.root))
    .sort((a, b) => normRoot(b.root).length - normRoot(a.root).length)[0];
}

export function normRoot(root: string): string {
  return root === '.' || root === './' ? '' : root.replace(/\/+$/, '');
}

export function isUnder(path: string, dir: string): boolean {
  const d = normRoot(dir);
  return d === '' || path === d || path.startsWith(`${d}/`);
}

/** Whether a repo-relative path looks like a test file. */
export function isTestPath(path: string): boolean {
  const name = basename(path);
  return /^test_.*\.py$|_test\.py$|\.(test|spec)\.[cm]?[jt]sx?$/.test(name) || /(^|\/)(tests?|__tests__)\//.test(path);
}

/** Repo-relative test files under `dir` (bounded walk; node_modules and hidden folders skipped). */
export function listTestFiles(workspaceDir: string, dir: string, limit = 300): string[] {
  const out: string[] = [];
  const root = join(workspaceDir, normRoot(dir));
  const walk = (abs: string, depth: number): void => {
    if (out.length >= limit || depth > 6) return;
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules' || name === '__pycache__') continue;
      const child = join(abs, name);
      let isDir: boolean;
      try {
        isDir = statSync(child).isDirectory();
      } catch {
        continue;
      }
      const rel = relative(workspaceDir, child).split(sep).join('/');
      if (isDir) walk(child, depth + 1);
      else if (isTestPath(rel) && EXT_LANGUAGE[extname(name)]) out.push(rel);
      if (out.length >= limit) return;
    }
  };
  walk(root, 0);
  return out;
}

/** Module stem of a source file: `src/shop/pricing.py` → `pricing`, `src/cart.ts` → `cart`. */
export function moduleStem(path: string): string {
  const name = basename(path).replace(/\.[^.]+$/, '');
  return name === '__init__' || name === 'index' ? basename(path.slice(0, path.lastIndexOf('/'))) || name : name;
}

/** Names of the test functions in a test file (pytest `def test_…`, vitest/jest `it(…)` / `test(…)`). */
export function listTestNames(content: string): string[] {
  const names: string[] = [];
  for (const m of content.matchAll(/^\s*(?:async\s+)?def\s+(test\w*)\s*\(/gm)) names.push(m[1] as string);
  for (const m of content.matchAll(/\b(?:it|test)\s*\(\s*(['"`])(.*?)\1/g)) names.push(m[2] as string);
  return names;
}
