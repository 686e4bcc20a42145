import type { ChangedFile, ChangedSymbol, GitDiff, LineRange } from '../git/types.js';
import { extractSymbols, readsSymbolsOf } from './registry.js';
import type { SymbolDef } from './symbol-def.js';

/** Files larger than this are not parsed for symbols (generated bundles, vendored code). */
const MAX_SYMBOL_SOURCE_CHARS = 2_000_000;

/** Key each definition by name, numbering repeats (`f`, `f#2`) so redefinitions pair up in order. */
function keyDefs(defs: SymbolDef[]): Map<string, SymbolDef> {
  const seen = new Map<string, number>();
  const out = new Map<string, SymbolDef>();
  for (const d of defs) {
    const n = (seen.get(d.qualifiedName) ?? 0) + 1;
    seen.set(d.qualifiedName, n);
    out.set(n === 1 ? d.qualifiedName : `${d.qualifiedName}#${n}`, d);
  }
  return out;
}

/** Lines of `def` that belong to no nested symbol (a class's own lines exclude its methods). */
function ownLines(def: SymbolDef, all: SymbolDef[]): LineRange[] {
  const children = all
    .filter((d) => d !== def && d.qualifiedName.startsWith(`${def.qualifiedName}.`) && d.range.start >= def.range.start && d.range.end <= def.range.end)
    .map((d) => d.range)
    .sort((a, b) => a.start - b.start);
  const out: LineRange[] = [];
  let cursor = def.range.start;
  for (const c of children) {
    if (c.start > cursor) out.push({ start: cursor, end: c.start - 1 });
    cursor = Math.max(cursor, c.end + 1);
  }
  if (cursor <= def.range.end) out.push({ start: cursor, end: def.range.end });
  return out;
}

function meets(own: LineRange[], changed: LineRange[]): boolean {
  return own.some((o) => changed.some((c) => c.start <= o.end && c.end >= o.start));
}

function toChanged(file: string, def: SymbolDef, change: ChangedSymbol['change']): ChangedSymbol {
  return { file, qualifiedName: def.qualifiedName, kind: def.kind, change, range: { ...def.range }, signature: def.signature };
}

/**
 * Added (head only), deleted (base only) and modified symbols of one changed file. A symbol is
 * modified when one of its own lines was added on head or removed on base; a class whose only
 * change is inside a method is not itself reported.
 */
export function findChangedSymbols(file: ChangedFile, baseText: string | undefined, headText: string | undefined): ChangedSymbol[] {
  const basePath = file.oldPath ?? file.path;
  const baseDefs = baseText === undefined ? [] : (extractSymbols(basePath, baseText) ?? []);
  const headDefs = headText === undefined ? [] : (extractSymbols(file.path, headText) ?? []);
  const base = keyDefs(baseDefs);
  const head = keyDefs(headDefs);
  const out: ChangedSymbol[] = [];
  for (const [key, h] of head) {
    const b = base.get(key);
    if (!b) out.push(toChanged(file.path, h, 'added'));
    else if (meets(ownLines(h, headDefs), file.addedRanges) || meets(ownLines(b, baseDefs), file.removedRanges)) {
      out.push(toChanged(file.path, h, 'modified'));
    }
  }
  for (const [key, b] of base) {
    if (!head.has(key)) out.push(toChanged(file.path, b, 'deleted'));
  }
  return out;
}

/** Reads one file at a commit; undefined when it is not there. */
export type ReadFileAt = (sha: string, path: string) => Promise<string | undefined>;

/** Reads many files at one commit at once (path → text of those that exist). */
export type ReadFilesAt = (sha: string, paths: string[]) => Promise<Map<string, string>>;

/**
 * The changed functions, methods and classes of a diff (`base...head`), in any language a plug-in
 * reads. With `readMany`, the files are read two batches in all (base and head), not two reads a file.
 */
export async function listChangedSymbols(diff: GitDiff, readAt: ReadFileAt, readMany?: ReadFilesAt): Promise<ChangedSymbol[]> {
  const files = diff.files.filter((f) => !f.binary && readsSymbolsOf(f.path));
  const preloaded = new Map<string, Map<string, string>>();
  if (readMany) {
    preloaded.set(diff.headSha, await readMany(diff.headSha, files.filter((f) => f.change !== 'deleted').map((f) => f.path)));
    preloaded.set(diff.mergeBaseSha, await readMany(diff.mergeBaseSha, files.filter((f) => f.change !== 'added').map((f) => f.oldPath ?? f.path)));
  }
  const read = async (sha: string, path: string): Promise<string | undefined> => {
    const batch = preloaded.get(sha);
    const text = batch ? (batch.get(path) ?? (path.includes('\n') ? await readAt(sha, path) : undefined)) : await readAt(sha, path);
    return text !== undefined && text.length <= MAX_SYMBOL_SOURCE_CHARS ? text : undefined;
  };
  const symbols: ChangedSymbol[] = [];
  for (const file of files) {
    const headText = file.change === 'deleted' ? undefined : await read(diff.headSha, file.path);
    const baseText = file.change === 'added' ? undefined : await read(diff.mergeBaseSha, file.oldPath ?? file.path);
    symbols.push(...findChangedSymbols(file, baseText, headText));
  }
  return symbols;
}
