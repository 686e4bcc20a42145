import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TfError, describeError } from '../errors.js';
import { createGitPort } from '../git/index.js';

/** The absolute path of a local git repository, or a TfError that says what is wrong with it. */
export async function checkLocalRepo(path: string): Promise<string> {
  const dir = resolve(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new TfError('USAGE', `${dir} is not a folder`, { hint: 'pass --repo <the folder of a git checkout> (default: the current folder)' });
  try {
    await createGitPort().resolveCommit(dir, 'HEAD');
  } catch (err) {
    throw new TfError('USAGE', `${dir} is not a git repository with at least one commit (${describeError(err).split('\n')[0]})`, {
      hint: 'pass --repo <a git checkout>, or run `git init && git add -A && git commit -m base` there first',
    });
  }
  return dir;
}

/** Resolves each ref in the repository now, so a typo is said before any work starts. */
export async function checkRefs(dir: string, refs: string[]): Promise<void> {
  const git = createGitPort();
  for (const ref of refs) {
    try {
      await git.resolveCommit(dir, ref);
    } catch {
      throw new TfError('USAGE', `'${ref}' is not a branch, tag or commit of ${dir}`, { hint: 'check the ref with `git log --oneline -1 <ref>`; only committed history is read' });
    }
  }
}
