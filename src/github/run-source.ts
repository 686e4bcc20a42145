import type { Run, RunRequest, RunService } from '../runs/types.js';
import { createQueuedCheckRun } from './check-run.js';
import type { CheckRunTracker } from './check-run-tracker.js';
import type { Octokit } from './octokit.js';
import type { KeyedLock } from './keyed-lock.js';
import { subjectKeyOf } from '../runs/subject.js';
import type { GithubSource } from './push-tests.js';

/** The parts of a pull request (webhook payload or REST answer) a run needs. */
export interface PullLike {
  number: number;
  title?: string;
  body?: string | null;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string; repo?: { clone_url?: string | null } | null };
}

export function sourceFromPull(owner: string, repo: string, installationId: number, pr: PullLike): GithubSource {
  return {
    kind: 'github',
    owner,
    repo,
    pullNumber: pr.number,
    installationId,
    headRepoFullName: pr.head.repo?.full_name ?? `${owner}/${repo}`,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    headSha: pr.head.sha,
    // GitHub Enterprise Server: the clone URL is on its own host (ingest uses it when it is on the git host).
    ...(pr.base.repo?.clone_url ? { cloneUrl: pr.base.repo.clone_url } : {}),
    // Spec selection reads `Spec:` trailers from the description.
    ...(pr.title ? { prTitle: pr.title } : {}),
    ...(pr.body ? { prBody: pr.body } : {}),
  };
}

/** One key per webhook delivery and action: a redelivered webhook makes no second run. */
export function idempotencyKeyFor(deliveryId: string, event: string, action: string): string {
  return `github:${deliveryId}:${event}.${action}`;
}

/** Whether a run belongs to the given pull request. */
export function isRunOfPull(run: Run, owner: string, repo: string, pullNumber: number): boolean {
  const s = run.request.source;
  return s.kind === 'github' && s.owner === owner && s.repo === repo && s.pullNumber === pullNumber;
}

export interface StartRunDeps {
  runService: RunService;
  tracker: CheckRunTracker;
  /** The run's dashboard page (TFACTORY_PUBLIC_URL): the check run's details link. */
  runPageUrl?: (runId: string) => string | undefined;
  /** Serialises the triggers of one PR, so two deliveries cannot both find no run and both start one. */
  pullLock?: KeyedLock;
}

export interface StartedRun {
  run: Run;
  created: boolean;
  /** The same request (PR, head commit, options) is already queued or running: `run` is that run. */
  inProgress?: boolean;
}

/** The queued or running run of this PR at this head commit with the same options, if any. */
export async function findActiveRun(runService: RunService, request: RunRequest): Promise<Run | undefined> {
  const src = request.source;
  if (src.kind !== 'github') return undefined;
  const active = await runService.list({ subjectKey: subjectKeyOf(src), status: ['queued', 'running'], limit: 100 });
  return active.find((r) => {
    const s = r.request.source;
    return s.kind === 'github' && s.headSha === src.headSha && (r.request.options.specId ?? null) === (request.options.specId ?? null);
  });
}

/**
 * Records the run (the worker does the work) and, for a new run, creates its queued check run.
 * The same trigger on the same PR and head commit while a run is queued or running starts nothing
 * (the answer names that run); a new head commit supersedes. Nothing here waits for the pipeline.
 */
export async function startRun(deps: StartRunDeps, octokit: Octokit, request: RunRequest): Promise<StartedRun> {
  const start = async (): Promise<StartedRun> => {
    const active = await findActiveRun(deps.runService, request);
    if (active && active.request.idempotencyKey !== request.idempotencyKey) return { run: active, created: false, inProgress: true };
    const result = await deps.runService.submit(request);
    if (result.created) await announceRun(deps, octokit, result.run);
    return result;
  };
  return deps.pullLock ? deps.pullLock.run(subjectKeyOf(request.source), start) : start();
}

/** The answer to a trigger that found its run already in progress. */
export function renderInProgress(run: Run): string {
  return `TFactory run \`${run.id}\` is already ${run.status === 'queued' ? 'queued' : 'running'} for this commit; no new run was started. \`/tfactory status\` shows where it is, \`/tfactory cancel\` stops it.`;
}

/** Creates the queued check run of a run that was just recorded (nothing when its check run already completed). */
export async function announceRun(deps: StartRunDeps, octokit: Octokit, run: Run): Promise<void> {
  const src = run.request.source;
  if (src.kind !== 'github') return;
  await deps.tracker.exclusive(run.id, async () => {
    if (deps.tracker.stateOf(run.id) !== undefined) return;
    const ref = await createQueuedCheckRun(octokit, { owner: src.owner, repo: src.repo, headSha: src.headSha, runId: run.id, detailsUrl: deps.runPageUrl?.(run.id) });
    deps.tracker.remember(run.id, ref);
  });
}
