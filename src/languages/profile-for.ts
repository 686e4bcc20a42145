import type { Language, LanguageProfile } from './types.js';

/** The profile a file belongs to: same language family, deepest project root containing it. */
export function profileForPath(profiles: LanguageProfile[], language: Language, path: string): LanguageProfile | undefined {
  const same = profiles.filter((p) => (language === 'python' ? p.language === 'python' : p.language !== 'python'));
  const byRoot = same.filter((p) => p.root === '' || p.root === '.' || path.startsWith(`${p.root.replace(/\/$/, '')}/`));
  return [...byRoot].sort((a, b) => b.root.length - a.root.length)[0] ?? same[0];
}
