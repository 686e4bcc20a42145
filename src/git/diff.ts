import { TfError } from '../errors.js';
import type { GitDiff } from './types.js';
import { parseUnifiedDiff } from './parse-diff.js';
import { resolveCommit, runGit, tryGit } from './run-git.js';

/** `base...head`: the changes head made since it left base, as files and changed line ranges. */
export async function computeDiff(dir: string, baseRef: string, headRef: string): Promise<GitDiff> {
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
  return { baseSha, headSha, mergeBaseSha, files: parseUnifiedDiff(patch) };
}
