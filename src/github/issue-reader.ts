import type { IssueRef, IssueText, ReadIssue } from '../criteria/derive/index.js';
import type { InstallationAuth } from './octokit.js';

/** Characters of an issue's title and body kept (the body is untrusted and can be large). */
const MAX_TITLE_CHARS = 1_000;
const MAX_BODY_CHARS = 20_000;

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Reads the linked issues of a PR without a spec through the REST API (`GET
 * /repos/{owner}/{repo}/issues/{number}`) as the installation: title and body, capped. An issue
 * that does not exist, was deleted, or lives in a repository the installation cannot see is
 * undefined (the run notes it and goes on); other failures are thrown for the caller to note.
 */
export function createIssueReader(auth: InstallationAuth): (installationId: number) => ReadIssue {
  return (installationId) => async (ref: IssueRef): Promise<IssueText | undefined> => {
    const octokit = await auth(installationId);
    try {
      const { data } = await octokit.rest.issues.get({ owner: ref.owner, repo: ref.repo, issue_number: ref.number });
      return { title: data.title.slice(0, MAX_TITLE_CHARS), ...(data.body ? { body: data.body.slice(0, MAX_BODY_CHARS) } : {}) };
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 || status === 410) return undefined;
      throw err;
    }
  };
}
