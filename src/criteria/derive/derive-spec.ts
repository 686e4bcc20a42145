import { describeError } from '../../errors.js';
import type { SpecSelection } from '../types.js';
import { findClosingRefs, formatRef, sameRepo, type IssueRef } from './closing-refs.js';
import { deriveCriteria, DERIVE_LIMITS, type DerivationInput } from './derive-criteria.js';
import { MAX_SOURCE_CHARS } from './statements.js';

/** A linked issue as GitHub's REST API gives it (title and body only). */
export interface IssueText {
  title: string;
  body?: string;
}

/** Reads one issue (`GET /repos/{owner}/{repo}/issues/{number}`); undefined when it does not exist or cannot be seen. */
export type ReadIssue = (ref: IssueRef) => Promise<IssueText | undefined>;

export interface DeriveSpecInput {
  commitSha?: string;
  /** The pull request, for a GitHub run (`spec show --title/--body`: no repository or number); a local run has none. */
  pr?: { owner?: string; repo?: string; number?: number; title?: string; body?: string };
  /** Commit messages base..head, oldest first. */
  readCommits?: () => Promise<Array<{ sha: string; message: string }>>;
  /** Linked issues are read only when given (GitHub runs). */
  readIssue?: ReadIssue;
}

/**
 * The criteria a run uses when the change has no spec: the PR title and description, the issues they
 * (or the commits) close, and the commit messages, read through the given readers. An issue or the
 * commit log that cannot be read is a warning, not a failure: the run goes on with what was read.
 */
export async function deriveSpecSelection(input: DeriveSpecInput): Promise<SpecSelection> {
  const warnings: string[] = [];
  let commits: Array<{ sha: string; message: string }> = [];
  if (input.readCommits) {
    try {
      commits = (await input.readCommits()).slice(-DERIVE_LIMITS.commitsRead).map((c) => ({ sha: c.sha, message: c.message.slice(0, MAX_SOURCE_CHARS) }));
    } catch (err) {
      warnings.push(`the commit messages could not be read: ${describeError(err).split('\n')[0] ?? ''}`);
    }
  }
  const issues: DerivationInput['issues'] = [];
  const pr = input.pr;
  if (pr) {
    const here = { owner: pr.owner ?? '', repo: pr.repo ?? '' };
    const refs = findClosingRefs([pr.title, pr.body?.slice(0, MAX_SOURCE_CHARS), ...commits.map((c) => c.message)], here).filter((r) => !(r.number === pr.number && sameRepo(r, here)));
    for (const ref of refs) {
      const shown = formatRef(ref, here);
      if (!input.readIssue) {
        warnings.push(`linked issue ${shown}: a GitHub run reads it through the REST API; not read here`);
        continue;
      }
      try {
        const issue = await input.readIssue(ref);
        if (issue) issues.push({ ref: shown, title: issue.title.slice(0, MAX_SOURCE_CHARS), ...(issue.body ? { body: issue.body.slice(0, MAX_SOURCE_CHARS) } : {}) });
        else warnings.push(`linked issue ${shown} could not be read (not found, or not visible to the App's installation)`);
      } catch (err) {
        warnings.push(`linked issue ${shown} could not be read: ${describeError(err).split('\n')[0] ?? ''}`);
      }
    }
  }
  const spec = deriveCriteria({
    ...(pr ? { pr: { ...(pr.number !== undefined ? { number: pr.number } : {}), ...(pr.title !== undefined ? { title: pr.title } : {}), ...(pr.body !== undefined ? { body: pr.body } : {}) } } : {}),
    issues,
    commits,
    ...(input.commitSha ? { commitSha: input.commitSha } : {}),
    warnings,
  });
  return { spec, reason: 'derived', candidates: [] };
}
