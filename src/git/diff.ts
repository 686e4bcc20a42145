import { TfError } from '../errors.js';
import { readObjectSizes } from './cat-file.js';
import type { ChangedFile, FileChange, GitDiff } from './types.js';
import { parseUnifiedDiff } from './parse-diff.js';
import { parseRawDiff, type RawDiffEntry } from './parse-raw-diff.js';
import { decodeGitPath } from './path-bytes.js';
import { resolveCommit, runGitBytes, tryGit } from './run-git.js';

const DIFF_OPTIONS = ['-M', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative'];
const ZERO_SHA = /^0+$/;

/**
 * `base...head`: the changes head made since it left base, as files and changed line ranges.
 * Names come from `git diff --raw -z` as bytes (a name that is not UTF-8 is kept in git's quoted
 * form, never decoded into something that names no file); line ranges and binary-ness from the
 * `--unified=0` patch of the same diff; blob sizes from one `cat-file --batch-check`.
 */
export async function computeDiff(dir: string, baseRef: string, headRef: string): Promise<GitDiff> {
  const baseSha = await resolveCommit(dir, baseRef);
  const headSha = await resolveCommit(dir, headRef);
  const mergeBaseSha = (await tryGit(dir, ['merge-base', baseSha, headSha]))?.trim();
  if (!mergeBaseSha) {
    throw new TfError('GIT_FAILED', `${baseRef} and ${headRef} share no history`, { details: { baseSha, headSha } });
  }
  const raw = parseRawDiff(await runGitBytes(dir, ['diff', '--raw', '-z', '--no-abbrev', ...DIFF_OPTIONS, mergeBaseSha, headSha]));
  // quotePath on: every name in the patch's headers is ASCII, so the text decoding below loses none.
  const patch = await runGitBytes(dir, [
    '-c', 'core.quotePath=true',
    'diff', '--unified=0', ...DIFF_OPTIONS, '--src-prefix=a/', '--dst-prefix=b/', mergeBaseSha, headSha,
  ]);
  const sections = parseUnifiedDiff(patch.toString('utf8'));
  const sizes = await readObjectSizes(dir, raw.map(sizedSha).filter((s): s is string => s !== undefined));
  return { baseSha, headSha, mergeBaseSha, files: raw.map((entry, i) => toChangedFile(entry, matchSection(entry, i, sections), sizes)) };
}

/** The blob whose size counts: head's, or base's for a deleted file; none for submodules. */
function sizedSha(e: RawDiffEntry): string | undefined {
  const deleted = e.status === 'D';
  const sha = deleted ? e.srcSha : e.dstSha;
  const mode = deleted ? e.srcMode : e.dstMode;
  return ZERO_SHA.test(sha) || mode === '160000' ? undefined : sha;
}

function changeOf(status: string): FileChange {
  if (status === 'A' || status.startsWith('C')) return 'added';
  if (status === 'D') return 'deleted';
  if (status.startsWith('R')) return 'renamed';
  return 'modified';
}

/** A name decoded as the patch parser decodes it (lossy for non-UTF-8: used only to match). */
function lossy(bytes: Buffer): string {
  return bytes.toString('utf8');
}

/** The patch section of raw entry `i`: same order in both outputs; checked by name, else looked up. */
function matchSection(entry: RawDiffEntry, i: number, sections: ChangedFile[]): ChangedFile | undefined {
  const name = lossy(entry.dstPath ?? entry.srcPath);
  const same = sections[i];
  if (same?.path === name) return same;
  return sections.find((s) => s.path === name);
}

function toChangedFile(entry: RawDiffEntry, section: ChangedFile | undefined, sizes: Map<string, number>): ChangedFile {
  const change = changeOf(entry.status);
  const at = decodeGitPath(entry.dstPath ?? entry.srcPath);
  const from = entry.dstPath ? decodeGitPath(entry.srcPath) : undefined;
  const mode = change === 'deleted' ? entry.srcMode : entry.dstMode;
  const sha = sizedSha(entry);
  const size = sha === undefined ? undefined : sizes.get(sha);
  const renamed = change === 'renamed' && from !== undefined && from.path !== at.path;
  return {
    path: at.path,
    ...(renamed ? { oldPath: from.path } : {}),
    change: renamed || change !== 'renamed' ? change : 'modified',
    addedRanges: section?.addedRanges ?? [],
    removedRanges: section?.removedRanges ?? [],
    binary: section?.binary ?? false,
    ...(size !== undefined ? { size } : {}),
    ...(at.notUtf8 || from?.notUtf8 ? { notUtf8: true } : {}),
    ...(mode === '120000' ? { special: 'symlink' as const } : mode === '160000' ? { special: 'submodule' as const } : {}),
  };
}
