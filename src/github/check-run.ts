import type { Run, StageName } from '../runs/types.js';
import type { CheckAnnotation } from './annotations.js';
import { batchAnnotations } from './annotations.js';
import type { CheckOutput } from './check-output.js';
import { buildProgressOutput } from './check-output.js';
import type { Octokit, RepoRef } from './octokit.js';
import type { CheckConclusion } from './quality-gate.js';

/** The name of our check run; `check_run.rerequested` for other names is not ours. */
export const CHECK_RUN_NAME = 'TFactory';

export interface CheckRunRef extends RepoRef {
  checkRunId: number;
}

/** Creates the queued check run for a run at the trigger; `external_id` ties it to the run. */
export async function createQueuedCheckRun(
  octokit: Octokit,
  target: RepoRef & { headSha: string; runId: string; detailsUrl?: string | undefined },
): Promise<CheckRunRef> {
  const { data } = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: CHECK_RUN_NAME,
    head_sha: target.headSha,
    status: 'queued',
    external_id: target.runId,
    ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    output: { title: 'Queued', summary: `TFactory run \`${target.runId}\` is queued.` },
  });
  return { owner: target.owner, repo: target.repo, checkRunId: data.id };
}

/** A completed check run created in one request (e.g. an invalid repo config stops a trigger). */
export async function createCompletedCheckRun(
  octokit: Octokit,
  target: RepoRef & { headSha: string; externalId?: string },
  conclusion: CheckConclusion | 'cancelled',
  output: CheckOutput,
): Promise<CheckRunRef> {
  const { data } = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: CHECK_RUN_NAME,
    head_sha: target.headSha,
    ...(target.externalId !== undefined ? { external_id: target.externalId } : {}),
    status: 'completed',
    conclusion,
    completed_at: new Date().toISOString(),
    output,
  });
  return { owner: target.owner, repo: target.repo, checkRunId: data.id };
}

/** Finds the check run of a run by its `external_id` on the run's head commit (with whether it is completed). */
export async function findCheckRunForRun(octokit: Octokit, target: RepoRef & { headSha: string; runId: string }): Promise<(CheckRunRef & { completed: boolean }) | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: CHECK_RUN_NAME,
    filter: 'all',
    per_page: 100,
  });
  const found = data.check_runs.find((c) => c.external_id === target.runId);
  return found ? { owner: target.owner, repo: target.repo, checkRunId: found.id, completed: found.status === 'completed' } : undefined;
}

/** Marks the check run in progress with the current stage in its summary. */
export async function updateCheckRunProgress(octokit: Octokit, ref: CheckRunRef, run: Run, stage?: StageName): Promise<void> {
  await octokit.rest.checks.update({
    owner: ref.owner,
    repo: ref.repo,
    check_run_id: ref.checkRunId,
    status: 'in_progress',
    output: buildProgressOutput(run, stage),
  });
}

export interface Completion {
  conclusion: CheckConclusion | 'cancelled';
  output: CheckOutput;
  annotations: CheckAnnotation[];
  detailsUrl?: string;
}

/**
 * Completes the check run. Annotations go at most 50 per request: every batch but the last is
 * appended by an output-only update, the last one travels with the conclusion. Returns the request count.
 */
export async function completeCheckRun(octokit: Octokit, ref: CheckRunRef, completion: Completion): Promise<number> {
  const batches = batchAnnotations(completion.annotations);
  const base = { owner: ref.owner, repo: ref.repo, check_run_id: ref.checkRunId };
  const head = { title: completion.output.title, summary: completion.output.summary };
  for (const batch of batches.slice(0, -1)) {
    await octokit.rest.checks.update({ ...base, output: { ...head, annotations: batch } });
  }
  const last = batches[batches.length - 1] ?? [];
  await octokit.rest.checks.update({
    ...base,
    status: 'completed',
    conclusion: completion.conclusion,
    completed_at: new Date().toISOString(),
    ...(completion.detailsUrl ? { details_url: completion.detailsUrl } : {}),
    output: {
      ...head,
      ...(completion.output.text !== undefined ? { text: completion.output.text } : {}),
      ...(last.length > 0 ? { annotations: last } : {}),
    },
  });
  return batches.length;
}
