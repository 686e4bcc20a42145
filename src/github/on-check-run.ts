import type { Context } from 'probot';
import { createCompletedCheckRun, CHECK_RUN_NAME } from './check-run.js';
import { isBotSender, type HandlerDeps } from './handler-deps.js';
import { loadRepoConfig, renderConfigErrors } from './repo-config-loader.js';
import { announceRun, idempotencyKeyFor, sourceFromPull, startRun } from './run-source.js';
import { triggerSettings } from './trigger-settings.js';

type RerequestContext = Context<'check_run.rerequested'>;

/**
 * "Re-run" on our check run starts the same run again (same source, options and settings). A check
 * run TFactory cannot map to a run (no external id, e.g. the failed check of an invalid config, or a
 * run the store no longer has) starts a fresh run of its pull request with the current repo config.
 */
export async function handleCheckRunRerequested(deps: HandlerDeps, context: RerequestContext): Promise<void> {
  const { payload } = context;
  const checkRun = payload.check_run;
  if (isBotSender(payload.sender) || checkRun.name !== CHECK_RUN_NAME) return;
  if (deps.appId !== undefined && checkRun.app?.id !== deps.appId) return;
  const runId = checkRun.external_id;
  const previous = runId ? await deps.runService.get(runId) : undefined;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  if (!previous || !runId) return startFreshRun(deps, context);
  // The run repeats with the settings it was started with: the repo config is read once, at trigger.
  const run = await deps.runService.rerun(runId, { kind: 'rerequest', actor: payload.sender.login, deliveryId: context.id });
  await announceRun(deps, context.octokit, run);
  deps.log.info({ runId: run.id, previous: runId, owner, repo }, 'run requested again from the check run');
}

async function startFreshRun(deps: HandlerDeps, context: RerequestContext): Promise<void> {
  const { payload } = context;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const installationId = payload.installation?.id;
  const pullNumber = payload.check_run.pull_requests[0]?.number;
  if (installationId === undefined || pullNumber === undefined) {
    deps.log.warn({ checkRunId: payload.check_run.id, owner, repo }, 'rerequested check run has no run and no pull request; nothing to start');
    return;
  }
  const { data: pr } = await context.octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  const config = await loadRepoConfig((file) => context.config(file));
  if (!config.ok) {
    await createCompletedCheckRun(context.octokit, { owner, repo, headSha: pr.head.sha }, 'failure', renderConfigErrors(config.errors));
    return;
  }
  const { run, created, inProgress } = await startRun(deps, context.octokit, {
    source: sourceFromPull(owner, repo, installationId, pr),
    trigger: { kind: 'rerequest', actor: payload.sender.login, deliveryId: context.id },
    options: {},
    settings: triggerSettings(config.config, deps.settingsEnv),
    idempotencyKey: idempotencyKeyFor(context.id, 'check_run', 'rerequested'),
  });
  deps.log.info({ runId: run.id, created, inProgress: inProgress === true, owner, repo, pull: pullNumber }, 'fresh run from a check run TFactory could not map');
}
