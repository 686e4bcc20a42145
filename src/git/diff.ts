import { TfError } from '../errors.js';
import type { ChangedSymbol, DiffSummary } from './types.js';
import { parseUnifiedDiff } from './parse-diff.js';
import { resolveCommit, runGit, tryGit } from './run-git.js';
import { findChangedSymbols, isSymbolSource } from './symbols/changed-symbols.js';
import { readFileAt } from './tree.js';

/** Files larger than this are not parsed for symbols (generated bundles, vendored code). */
const MAX_SYMBOL_SOURCE_CHARS = 2_000_000;

async function readForSymbols(dir: string, sha: string, path: string): Promise<string | undefined> {
  const text = await readFileAt(dir, sha, path);
  return text !== undefined && text.length <= MAX_SYMBOL_SOURCE_CHARS ? text : undefined;
}

/** `base...head`: the changes head made since it left base, with changed lines and symbols. */
export async function computeDiff(dir: string, baseRef: string, headRef: string): Promise<DiffSummary> {
  const baseSha = await resolveCommit(dir, baseRef);
  const headSha = await resolveCommit(dir, headRef);
  const mergeBaseSha = (await tryGit(dir, ['merge-base', baseSha, headSha]))?.trim();
  if (!mergeBaseSha) {
    throw new TfError('GIT_FAILED', `${baseRef} and ${headRef} share no history`, { details: { baseSha, headSha } });
  }
  const patch = await runGit(dir, [
    '-c', 'core.quotePath=false',
    'diff', '--unified=0', '-M', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative',
    '--src-prefix=a/', '--dst-prefix=b/', mergeBaseSha, headSha,
  ]);
  const files = parseUnifiedDiff(patch);
  const symbols: ChangedSymbol[] = [];
  for (const file of files) {
    if (file.binary || !isSymbolSource(file.path)) continue;
    const headText = file.change === 'deleted' ? undefined : await readForSymbols(dir, headSha, file.path);
    const baseText = file.change === 'added' ? undefined : await readForSymbols(dir, mergeBaseSha, file.oldPath ?? file.path);
    symbols.push(...findChangedSymbols(file, baseText, headText));
  }
  return { baseSha, headSha, mergeBaseSha, files, symbols };
}
