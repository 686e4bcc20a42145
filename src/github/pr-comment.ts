import type { Run } from '../runs/types.js';
import type { Octokit, RepoRef } from './octokit.js';
import type { PushOutcome } from './push-tests.js';
import { GITHUB_TEXT_LIMIT, fenceFor, truncateMarkdown } from './truncate-markdown.js';

/** Hidden marker that identifies the one report comment of a PR. */
export const REPORT_MARKER = '<!-- tfactory:report -->';

/** A patch larger than this is left out of the comment (it would crowd out the report). */
const PATCH_LIMIT = 40_000;

export interface CommentRef {
  id: number;
  htmlUrl: string;
  created: boolean;
}

/** Creates the PR's report comment, or updates it in place when one (ours, with the marker) exists. */
export async function upsertReportComment(octokit: Octokit, target: RepoRef & { issueNumber: number }, body: string): Promise<CommentRef> {
  const full = body.includes(REPORT_MARKER) ? body : `${REPORT_MARKER}\n${body}`;
  const text = truncateMarkdown(full, GITHUB_TEXT_LIMIT, 'the check run');
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  const existing = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').includes(REPORT_MARKER));
  if (existing) {
    const { data } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body: text });
    return { id: data.id, htmlUrl: data.html_url, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body: text });
  return { id: data.id, htmlUrl: data.html_url, created: true };
}

/** The comment: marker, the rendered report, then what happened to the tests. */
export function composeReportComment(reportMarkdown: string, outcome: PushOutcome, extraNotes: string[] = []): string {
  const parts = [REPORT_MARKER, reportMarkdown.trim(), '', '---', renderOutcome(outcome)];
  if (extraNotes.length > 0) parts.push('', ...extraNotes.map((n) => `- ${n}`));
  return `${parts.join('\n').trimEnd()}\n`;
}

export function renderOutcome(outcome: PushOutcome): string {
  switch (outcome.kind) {
    case 'none':
      return 'No test was committed.';
    case 'pushed': {
      const moved = outcome.headMoved ? ' The branch had moved since the run started, so the commit was placed on its new head.' : '';
      return `Committed the tests to \`${outcome.branch}\` in ${outcome.commitSha.slice(0, 12)}.${moved}`;
    }
    case 'patch':
      return `The tests were not pushed: ${outcome.reason}.\n\n${renderPatch(outcome.patch)}`;
    case 'failed':
      return `The tests could not be committed: ${outcome.reason}${outcome.patch ? `\n\n${renderPatch(outcome.patch)}` : ''}`;
  }
}

function renderPatch(patch: string): string {
  if (patch.length > PATCH_LIMIT) {
    return `The patch (${patch.length} characters) is too large for a comment; run \`/tfactory run\` on a branch the app can push to.`;
  }
  const fence = fenceFor(patch);
  return [
    '<details><summary>Apply the tests yourself</summary>',
    '',
    'Save the patch below as `tfactory.patch` at the root of your checkout of this branch, then run:',
    '',
    '```sh',
    'git apply --index tfactory.patch   # or, to keep the commit: git am tfactory.patch',
    '```',
    '',
    `${fence}diff`,
    patch.trimEnd(),
    fence,
    '</details>',
  ].join('\n');
}

/** Failures the PR author can fix, answered in the PR comment (others only fail the check run). */
const AUTHOR_FIXABLE = new Set(['SPEC_NOT_FOUND', 'SPEC_AMBIGUOUS', 'SPEC_INVALID']);

/** What an infrastructure failure means for the person reading the PR, by code. */
const INFRA_HINTS: Record<string, string> = {
  ENGINE_UNREACHABLE: 'the sandbox engine did not answer',
  IMAGE_MISSING: 'a sandbox image is missing on the server',
  IMAGE_BUILD_FAILED: 'a sandbox image could not be built',
  SANDBOX_FAILED: 'the sandbox could not run the tests',
  PREPARE_FAILED: "the project's packages could not be installed",
  GIT_FAILED: 'a git operation failed',
  LLM_FAILED: 'the model did not answer',
  LLM_INVALID_OUTPUT: 'the model answered off-schema',
  LLM_BUDGET_EXCEEDED: "the run's model budget was spent",
};

/**
 * The comment of a failed run: for a reason the author can fix, what to fix; for an infrastructure
 * failure, a short note (what failed, how to retry). Undefined for a cancelled run.
 */
export function renderFailureComment(run: Run): string | undefined {
  if (!run.error || run.error.code === 'RUN_CANCELLED') return undefined;
  if (!AUTHOR_FIXABLE.has(run.error.code)) return renderInfraFailure(run, run.error);
  const fence = fenceFor(run.error.message);
  return [
    REPORT_MARKER,
    '## TFactory could not start on this pull request',
    '',
    `Run \`${run.id}\` stopped: \`${run.error.code}\`.`,
    '',
    `${fence}text`,
    run.error.message,
    fence,
    '',
    'Add a spec under `.aifactory/specs/<id>/spec.md` (or an "## Acceptance Criteria" section to the PR description), or name one with `/tfactory run --spec <id>`, then run again.',
    '',
  ].join('\n');
}

function renderInfraFailure(run: Run, error: { code: string; message: string }): string {
  const firstLine = (error.message.split('\n')[0] ?? '').slice(0, 300);
  const what = INFRA_HINTS[error.code] ?? 'TFactory hit an internal error';
  return [
    REPORT_MARKER,
    `**TFactory run \`${run.id}\` failed:** ${what} (\`${error.code}\`: ${firstLine.replace(/`/g, "'")}).`,
    '',
    'This is not caused by your change. Retry with **Re-run** on the TFactory check, or comment `/tfactory run`.',
    '',
  ].join('\n');
}
