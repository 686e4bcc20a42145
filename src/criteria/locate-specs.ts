import type { SpecKind } from './types.js';
import { isSpecTooLarge, listSubfolders, readRepoFile } from './read-repo-file.js';

/** A spec folder found in a checkout. */
export interface SpecCandidate {
  kind: Exclude<SpecKind, 'pr-body' | 'none'>;
  /** Folder name. */
  id: string;
  /** Repo-relative folder, e.g. `.aifactory/specs/login-rate-limit`. */
  folder: string;
  /** Repo-relative main file. */
  specPath: string;
  /** The `> Spec ID: …` line of the spec, when it differs from the folder name. */
  declaredId?: string;
}

export const SPEC_ROOTS: Array<{ kind: SpecCandidate['kind']; root: string; pattern: string }> = [
  { kind: 'aifactory', root: '.aifactory/specs', pattern: '.aifactory/specs/<spec-id>/spec.md' },
  { kind: 'agent-os', root: '.agent-os/specs', pattern: '.agent-os/specs/<YYYY-MM-DD-slug>/spec.md' },
];

/** Every spec folder that holds a spec.md, AIFactory first, each sorted by id. */
export async function listSpecCandidates(dir: string): Promise<SpecCandidate[]> {
  const out: SpecCandidate[] = [];
  for (const { kind, root } of SPEC_ROOTS) {
    for (const id of await listSubfolders(dir, root)) {
      const folder = `${root}/${id}`;
      const specPath = `${folder}/spec.md`;
      // A spec.md over the size cap is still a spec: choosing it says so (loadSpec), rather than "no spec found".
      const text = await readRepoFile(dir, specPath).catch((err: unknown) => {
        if (isSpecTooLarge(err)) return '';
        throw err;
      });
      if (text === undefined) continue;
      const declared = /^>\s*Spec ID:\s*(\S+)\s*$/im.exec(text)?.[1];
      out.push({ kind, id, folder, specPath, ...(declared && declared !== id ? { declaredId: declared } : {}) });
    }
  }
  return out;
}

/** The date-less slug of an Agent OS folder (`2025-01-29-password-reset` → `password-reset`). */
export function slugOf(c: SpecCandidate): string {
  return c.kind === 'agent-os' ? c.id.replace(/^\d{4}-\d{2}-\d{2}-/, '') : c.id;
}

/** Whether a user-given id names this spec: folder name, declared id, or Agent OS slug. */
export function matchesId(c: SpecCandidate, id: string): boolean {
  const want = id.trim().replace(/\/+$/, '');
  return want === c.id || want === c.declaredId || want === slugOf(c) || want === c.folder;
}
