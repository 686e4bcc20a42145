import { TfError } from '../errors.js';
import { runGit } from './run-git.js';

/** A commit's full message, as the author wrote it (untrusted text). */
export interface CommitMessage {
  sha: string;
  message: string;
}

/**
 * The messages of the commits `base..head` (merges left out), oldest first, at most `max` (the
 * newest ones). Read with one `git log`; nothing in them is ever run.
 */
export async function readCommitMessages(dir: string, base: string, head: string, max = 50): Promise<CommitMessage[]> {
  for (const ref of [base, head]) {
    if (ref.startsWith('-') || ref.includes('..')) throw new TfError('USAGE', `'${ref}' is not a commit reference`, { hint: 'name a branch, tag or commit' });
  }
  // -z: records end in NUL, which a commit message cannot hold; each record is `<sha>\n<message>`.
  const out = await runGit(dir, ['log', '-z', '--no-merges', '--no-show-signature', '--encoding=UTF-8', `--max-count=${max}`, '--format=%H%n%B', `${base}..${head}`, '--']);
  return out
    .split('\0')
    .filter((rec) => /^[0-9a-f]{40,64}\n/.test(rec))
    .map((rec) => {
      const at = rec.indexOf('\n');
      return { sha: rec.slice(0, at), message: rec.slice(at + 1).trimEnd() };
    })
    .reverse();
}
