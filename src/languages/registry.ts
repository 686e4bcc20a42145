import { posix } from 'node:path';
import type { RunnerName } from '../sandbox/images/runner-tag.js';
import type { LanguagePlugin } from './port.js';
import { createProjectFs } from './project-fs.js';
import { pythonPlugin } from './python/plugin.js';
import type { SymbolDef } from './symbol-def.js';
import type { Language, LanguageProfile } from './types.js';
import { typescriptPlugin } from './typescript/plugin.js';

/**
 * Every language TFactory reads, in order (the order of detected profiles and of prompt listings).
 * Adding a language: a folder under src/languages/ with a LanguagePlugin, and one line here.
 */
export const LANGUAGE_PLUGINS: readonly LanguagePlugin[] = [
  pythonPlugin,
  typescriptPlugin,
];

/** The plug-in that owns a language. */
export function pluginFor(language: Language): LanguagePlugin {
  const plugin = LANGUAGE_PLUGINS.find((p) => p.languages.includes(language));
  if (!plugin) throw new Error(`no language plug-in owns ${language}`);
  return plugin;
}

/** The plug-in of a profile (or candidate): the one owning its language. */
export function pluginForProfile(profile: Pick<LanguageProfile, 'language'>): LanguagePlugin {
  return pluginFor(profile.language);
}

/** The language of a file by its extension (case as written), or undefined when no plug-in reads it. */
export function languageOfPath(path: string): Language | undefined {
  const ext = posix.extname(path);
  for (const p of LANGUAGE_PLUGINS) {
    const language = p.extensions[ext];
    if (language) return language;
  }
  return undefined;
}

/** The plug-in reading a file by its extension, or undefined. */
export function pluginForPath(path: string): LanguagePlugin | undefined {
  const language = languageOfPath(path);
  return language ? pluginFor(language) : undefined;
}

/** The language a test of unknown language is read as (the first plug-in's main language). */
export function fallbackLanguage(): Language {
  return (LANGUAGE_PLUGINS[0] as LanguagePlugin).languages[0] as Language;
}

/** Whether two languages belong to one plug-in (a TS profile and a .js candidate do). */
export function sameFamily(a: Language, b: Language): boolean {
  return pluginFor(a) === pluginFor(b);
}

/** The runner image a language's tests run in. */
export function runnerFor(language: Language): RunnerName {
  return pluginFor(language).grader.runner;
}

/**
 * One profile per (language, project root) among the changed files, plug-in by plug-in. A PR
 * touching Python and TS gets two profiles.
 */
export async function detectLanguages(dir: string, changedPaths: string[]): Promise<LanguageProfile[]> {
  const fs = createProjectFs(dir);
  const paths = [...new Set(changedPaths.map((p) => p.replace(/^\.\//, '')))];
  const out: LanguageProfile[] = [];
  for (const plugin of LANGUAGE_PLUGINS) out.push(...(await plugin.detectProfiles(fs, paths)));
  return out;
}

/** Symbols of a file in a language a plug-in reads, or undefined for any other file. */
export function extractSymbols(path: string, text: string): SymbolDef[] | undefined {
  for (const p of LANGUAGE_PLUGINS) {
    const defs = p.extractSymbols(path, text);
    if (defs !== undefined) return defs;
  }
  return undefined;
}

/** Whether some plug-in reads the symbols of this path. */
export function readsSymbolsOf(path: string): boolean {
  return LANGUAGE_PLUGINS.some((p) => p.extractSymbols(path, '') !== undefined);
}

/** Whether a path looks like a test file of any language: by its name, or by the folder it sits in. */
export function looksLikeTestPath(path: string): boolean {
  const name = posix.basename(path);
  return LANGUAGE_PLUGINS.some((p) => p.isTestFileName(name)) || LANGUAGE_PLUGINS.some((p) => p.isInTestDir(path));
}

/** Test function names of a file by every plug-in's conventions, plug-in by plug-in. */
export function listTestNames(content: string): string[] {
  return LANGUAGE_PLUGINS.flatMap((p) => p.listTestNames(content));
}

/** Folder names that never hold project code, for walks over the checkout. */
export function vendorDirNames(): Set<string> {
  return new Set(LANGUAGE_PLUGINS.flatMap((p) => p.vendorDirs));
}

/** File stems that stand for their folder (`__init__`, `index`). */
export function packageIndexNames(): Set<string> {
  return new Set(LANGUAGE_PLUGINS.flatMap((p) => p.packageIndexNames));
}

/** The names of every language read, for messages (`Python, TypeScript or JavaScript`). */
export function describeLanguages(): string {
  const names = LANGUAGE_PLUGINS.flatMap((p) => p.languages.map((l) => p.languageNames[l] ?? l));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] as string}`;
}

/** The profile a file belongs to: same plug-in, deepest project root containing it. */
export function profileForPath(profiles: LanguageProfile[], language: Language, path: string): LanguageProfile | undefined {
  const same = profiles.filter((p) => sameFamily(p.language, language));
  const byRoot = same.filter((p) => p.root === '' || p.root === '.' || path.startsWith(`${p.root.replace(/\/$/, '')}/`));
  return [...byRoot].sort((a, b) => b.root.length - a.root.length)[0] ?? same[0];
}
