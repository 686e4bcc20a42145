import { posix } from 'node:path';
import type { LanguageProfile } from '../../../languages/types.js';
import { normRoot, workspaceFileExists } from '../plan/workspace-files.js';

/** Repo-relative project files that a source file imports (third-party and standard modules are skipped). */
export function resolveProjectImports(workspaceDir: string, file: string, content: string, profile: LanguageProfile): string[] {
  const found = new Set<string>();
  const exists = (p: string): boolean => workspaceFileExists(workspaceDir, p);
  if (profile.language === 'python') {
    const root = normRoot(profile.root);
    const bases = [root, posix.join(root, 'src')].map((b) => (b === '.' ? '' : b));
    for (const m of content.matchAll(/^\s*(?:from\s+(\.*[\w.]*)\s+import\s+([\w ,()*]+)|import\s+([\w.]+))/gm)) {
      const mod = m[1] ?? m[3] ?? '';
      const names = (m[2] ?? '').replace(/[()]/g, '').split(',').map((n) => n.trim().split(/\s+as\s+/)[0] ?? '').filter(Boolean);
      const dots = /^\.*/.exec(mod)?.[0].length ?? 0;
      const rest = mod.slice(dots).split('.').filter(Boolean).join('/');
      const dirs = dots > 0 ? [posix.join(posix.dirname(file), ...Array(dots - 1).fill('..'))] : bases;
      for (const dir of dirs) {
        const base = posix.join(dir, rest);
        const candidates = [`${base}.py`, posix.join(base, '__init__.py'), ...names.map((n) => posix.join(base, `${n}.py`))];
        for (const c of candidates) if (rest || c !== `${base}.py`) if (exists(c) && c !== file) found.add(c);
      }
    }
  } else {
    for (const m of content.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const spec = posix.join(posix.dirname(file), m[1] as string);
      const stem = spec.replace(/\.(?:[cm]?js|jsx)$/, '');
      const candidates = [spec, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.js`, posix.join(stem, 'index.ts'), posix.join(stem, 'index.js')];
      const hit = candidates.find((c) => /\.[cm]?[jt]sx?$/.test(c) && exists(c));
      if (hit && hit !== file) found.add(hit);
    }
  }
  return [...found];
}
