import type { IngestResult, Subtask } from '../../types.js';
import type { PlannedSubtask } from './plan-schema.js';
import { findProfileForFile, isTestPath, readWorkspaceFile } from './workspace-files.js';

export type CheckedSubtask = { ok: true; subtask: Subtask } | { ok: false; proposed: PlannedSubtask; reasons: string[] };

/** Splits `path::symbol`; undefined when the form is wrong. */
export function splitTarget(target: string): { file: string; symbol: string } | undefined {
  const at = target.indexOf('::');
  if (at <= 0) return undefined;
  const file = target.slice(0, at).trim().replace(/^\.\//, '');
  const symbol = target.slice(at + 2).trim();
  return file && symbol ? { file, symbol } : undefined;
}

/**
 * Checks one proposed subtask against the diff and the spec: the target file must be a changed
 * (non-test) file of the diff with a known framework, the symbol must be defined there, and every AC
 * id must exist in the spec (at least one when the spec has ACs).
 */
export function checkSubtask(proposed: PlannedSubtask, id: string, ingest: IngestResult, fileText: (path: string) => string | undefined): CheckedSubtask {
  const reasons: string[] = [];
  const target = splitTarget(proposed.target);
  const changed = new Set(ingest.diff.files.filter((f) => f.change !== 'deleted' && !f.binary).map((f) => f.path));
  const specAcs = new Set(ingest.spec.spec.acs.map((ac) => ac.id));
  const profile = target ? findProfileForFile(ingest.profiles, target.file) : undefined;

  if (!target) reasons.push(`target "${proposed.target}" is not of the form path/to/file::symbol`);
  else if (!changed.has(target.file)) reasons.push(`target file ${target.file} is not one of the diff's changed files (${[...changed].join(', ')})`);
  else if (isTestPath(target.file)) reasons.push(`target file ${target.file} is a test file; target the code under test`);
  else if (!profile) reasons.push(`no test framework is known for ${target.file}`);
  else if (!symbolExists(ingest, target.file, target.symbol, fileText)) reasons.push(`symbol ${target.symbol} is not defined in ${target.file}`);

  const unknown = proposed.acIds.filter((ac) => !specAcs.has(ac));
  if (unknown.length) reasons.push(`cites AC ids that do not exist in the spec: ${unknown.join(', ')} (the spec has ${[...specAcs].join(', ') || 'none'})`);
  // Derived criteria (no spec) are what the author said, not a full list: a changed behaviour they miss may still be tested.
  if (specAcs.size > 0 && proposed.acIds.length === 0 && ingest.spec.spec.kind !== 'derived') reasons.push('cites no AC; every subtask must verify at least one AC of the spec');

  if (reasons.length || !target || !profile) return { ok: false, proposed, reasons };
  return {
    ok: true,
    subtask: {
      id,
      acIds: [...new Set(proposed.acIds)],
      lane: proposed.lane ?? 'unit',
      language: profile.language,
      framework: profile.framework,
      target: `${target.file}::${target.symbol}`,
      intent: proposed.intent.trim(),
      rationale: proposed.rationale.trim(),
    },
  };
}

/** A changed symbol of the file (by qualified or last name), or a name defined in the file at head. */
export function symbolExists(ingest: IngestResult, file: string, symbol: string, fileText: (path: string) => string | undefined): boolean {
  const last = symbol.split('.').pop() ?? symbol;
  if (ingest.diff.symbols.some((s) => s.file === file && s.change !== 'deleted' && (s.qualifiedName === symbol || s.qualifiedName.split('.').pop() === last))) return true;
  const text = fileText(file);
  if (text === undefined || !/^[A-Za-z_$][\w$]*$/.test(last)) return false;
  const def = new RegExp(`(?:\\bdef|\\bclass|\\bfunction\\*?|\\bconst|\\blet|\\bvar|\\binterface|\\btype|\\benum)\\s+${escapeRe(last)}\\b|^\\s*(?:(?:public|private|protected|static|async|readonly|get|set)\\s+)*${escapeRe(last)}\\s*[(<=:]`, 'm');
  return def.test(text);
}

export function workspaceReader(ingest: IngestResult): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (!cache.has(path)) cache.set(path, readWorkspaceFile(ingest.workspaceDir, path));
    return cache.get(path);
  };
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
