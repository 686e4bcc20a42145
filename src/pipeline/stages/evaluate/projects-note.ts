import type { LanguageProfile } from '../../../languages/types.js';

/**
 * What happens to a diff that touches several projects (a monorepo's packages), said plainly:
 * undefined when the graded candidates all belong to one project root.
 */
export function projectsNote(profiles: LanguageProfile[]): string | undefined {
  const byRoot = new Map<string, Set<string>>();
  for (const p of profiles) {
    const root = p.root && p.root !== '.' ? p.root : '.';
    byRoot.set(root, (byRoot.get(root) ?? new Set()).add(p.language));
  }
  if (byRoot.size < 2) return undefined;
  const list = [...byRoot].sort(([a], [b]) => a.localeCompare(b)).map(([root, langs]) => `${root} (${[...langs].sort().join(', ')})`);
  return `This diff touches ${byRoot.size} projects; each is graded from its own root with its own dependencies: ${list.join(', ')}.`;
}
