import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { readContainedSync } from '../../../files/contained.js';
import { basename, join, relative, sep } from 'node:path';
import { languageOfPath, listTestNames as listTestNamesOfAll, looksLikeTestPath, packageIndexNames, pluginFor, vendorDirNames } from '../../../languages/registry.js';
import type { LanguageProfile } from '../../../languages/types.js';

/** Files above this size are not read into a prompt. */
const MAX_PROMPT_FILE_BYTES = 1_000_000;

/**
 * Reads a repo-relative file of the checkout; undefined when missing, unreadable, too big, or
 * reached through a symbolic link (a PR must not put a host file into the model's prompt).
 */
export function readWorkspaceFile(workspaceDir: string, path: string): string | undefined {
  try {
    return readContainedSync(workspaceDir, path, MAX_PROMPT_FILE_BYTES);
  } catch {
    return undefined;
  }
}

export function workspaceFileExists(workspaceDir: string, path: string): boolean {
  return existsSync(join(workspaceDir, path));
}

/** The language profile that covers a changed file: the one listing it, else one of its language whose root holds it. */
export function findProfileForFile(profiles: LanguageProfile[], path: string): LanguageProfile | undefined {
  const listed = profiles.find((p) => p.files.includes(path));
  if (listed) return listed;
  const language = languageOfPath(path);
  if (!language) return undefined;
  const plugin = pluginFor(language);
  const candidates = profiles.filter((p) => plugin.servesLanguage(p.language, language));
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

/** Whether a repo-relative path looks like a test file (of any language, by name or folder). */
export function isTestPath(path: string): boolean {
  return looksLikeTestPath(path);
}

/** Repo-relative test files under `dir` (bounded walk; vendored and hidden folders skipped). */
export function listTestFiles(workspaceDir: string, dir: string, limit = 300): string[] {
  const out: string[] = [];
  const root = join(workspaceDir, normRoot(dir));
  const skipped = vendorDirNames();
  const walk = (abs: string, depth: number): void => {
    if (out.length >= limit || depth > 6) return;
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || skipped.has(name)) continue;
      const child = join(abs, name);
      let isDir: boolean;
      try {
        const st = lstatSync(child);
        if (st.isSymbolicLink()) continue; // never walked nor read: it may lead out of the checkout
        isDir = st.isDirectory();
      } catch {
        continue;
      }
      const rel = relative(workspaceDir, child).split(sep).join('/');
      if (isDir) walk(child, depth + 1);
      else if (isTestPath(rel) && languageOfPath(name)) out.push(rel);
      if (out.length >= limit) return;
    }
  };
  walk(root, 0);
  return out;
}

/** Module stem of a source file: `src/shop/pricing.py` → `pricing`, `src/cart.ts` → `cart` (a package index names its folder). */
export function moduleStem(path: string): string {
  const name = basename(path).replace(/\.[^.]+$/, '');
  return packageIndexNames().has(name) ? basename(path.slice(0, path.lastIndexOf('/'))) || name : name;
}

/** Names of the test functions in a test file, by every language plug-in's conventions. */
export function listTestNames(content: string): string[] {
  return listTestNamesOfAll(content);
}
