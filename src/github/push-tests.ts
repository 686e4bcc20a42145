import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  commitFiles,
  fetchAndRebase,
  fetchRef,
  formatPatch,
  pushBranch,
  type FileToCommit,
  type GitAuthor,
} from '../git/commit-push.js';
import type { Logger } from '../logger.js';
import { repoRemoteUrl } from '../git/remote-url.js';
import type { RunSource } from '../runs/types.js';
import type { Octokit } from './octokit.js';

export type GithubSource = Extract<RunSource, { kind: 'github' }>;

export interface PushTestsInput {
  octokit: Octokit;
  /** Installation token: handed to git through its process environment only. */
  token: string;
  source: GithubSource;
  runId: string;
  files: FileToCommit[];
  testCount: number;
  specId: string | undefined;
  /** `https://github.com`, a GHES host (tests: a `file://` folder holding `<owner>/<repo>.git`); the API's clone URLs are used when on it. */
  gitBaseUrl: string;
  author: GitAuthor;
  log: Logger;
  /** Where the temporary checkout goes (default: the OS temp folder). */
  workRoot?: string;
}

export type PushOutcome =
  | { kind: 'none' }
  | { kind: 'pushed'; commitSha: string; branch: string; rebased: boolean; headMoved: boolean }
  | { kind: 'patch'; patch: string; reason: string }
  | { kind: 'failed'; reason: string; patch?: string };

export const RUN_TRAILER = 'TFactory-Run';

export function buildCommitMessage(testCount: number, specId: string | undefined, runId: string): string {
  const tests = `${testCount} test${testCount === 1 ? '' : 's'}`;
  return `test: add ${tests} for ${specId ?? 'this change'} (TFactory)\n\n${RUN_TRAILER}: ${runId}\n`;
}

/** Whether a commit message carries our trailer (our own push must not trigger a run). */
export function hasRunTrailer(message: string): boolean {
  return new RegExp(`^${RUN_TRAILER}:\\s*\\S+`, 'mi').test(message);
}

export function remoteUrlFor(gitBaseUrl: string, fullName: string, cloneUrl?: string | null): string {
  return repoRemoteUrl(gitBaseUrl, fullName, cloneUrl);
}

/**
 * Commits the tests to the PR's head branch. A fork the app cannot push to, the default branch, or
 * a push GitHub refuses (403) gets a patch instead; a branch that moved is rebased onto once.
 */
export async function pushTests(input: PushTestsInput): Promise<PushOutcome> {
  if (input.files.length === 0) return { kind: 'none' };
  const { source } = input;
  const { data: pr } = await input.octokit.rest.pulls.get({ owner: source.owner, repo: source.repo, pull_number: source.pullNumber });
  const baseFullName = `${source.owner}/${source.repo}`;
  const headRepo = pr.head.repo;
  const sameRepo = headRepo?.full_name === baseFullName;
  const headDefault = headRepo?.default_branch ?? pr.base.repo.default_branch;
  let patchReason: string | null = null;
  if (!headRepo) patchReason = 'the head repository of this pull request no longer exists';
  else if (!sameRepo && !pr.maintainer_can_modify) patchReason = `the app cannot push to the fork ${headRepo.full_name} (maintainer edits are off)`;
  else if (pr.head.ref === headDefault) patchReason = `the head branch is the default branch (${headDefault}) of ${headRepo.full_name}; TFactory never pushes there`;

  const dir = await mkdtemp(join(input.workRoot ?? tmpdir(), 'tfactory-publish-'));
  try {
    const baseUrl = remoteUrlFor(input.gitBaseUrl, baseFullName, pr.base.repo.clone_url);
    const pushUrl = headRepo ? remoteUrlFor(input.gitBaseUrl, headRepo.full_name, headRepo.clone_url) : baseUrl;
    // Without push access, read the head through the base repo's pull ref.
    const fetched = patchReason
      ? await fetchRef(dir, baseUrl, `refs/pull/${source.pullNumber}/head`, input.token)
      : await fetchRef(dir, pushUrl, `refs/heads/${pr.head.ref}`, input.token);
    const headMoved = fetched !== source.headSha;
    await commitFiles(dir, input.files, buildCommitMessage(input.testCount, input.specId, input.runId), input.author);
    if (patchReason) return { kind: 'patch', patch: await formatPatch(dir), reason: patchReason };

    const opts = { defaultBranch: headDefault };
    let pushed = await pushBranch(dir, pushUrl, pr.head.ref, input.token, opts);
    let rebased = false;
    if (!pushed.ok && pushed.reason === 'rejected') {
      input.log.info({ runId: input.runId, branch: pr.head.ref }, 'head branch moved; rebasing the test commit');
      const rebase = await fetchAndRebase(dir, pushUrl, pr.head.ref, input.token, input.author);
      if (!rebase.ok) return { kind: 'failed', reason: rebase.message, patch: await formatPatch(dir) };
      rebased = true;
      pushed = await pushBranch(dir, pushUrl, pr.head.ref, input.token, opts);
    }
    if (pushed.ok) return { kind: 'pushed', commitSha: pushed.sha, branch: pr.head.ref, rebased, headMoved: headMoved || rebased };
    const patch = await formatPatch(dir);
    if (pushed.reason === 'forbidden') return { kind: 'patch', patch, reason: `GitHub refused the push to ${headRepo?.full_name ?? baseFullName} (403)` };
    if (pushed.reason === 'default-branch') return { kind: 'patch', patch, reason: pushed.message };
    return { kind: 'failed', reason: `the push to ${pr.head.ref} failed: ${pushed.message}`, patch };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
