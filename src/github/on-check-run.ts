import type { Context } from 'probot';
import { CHECK_RUN_NAME } from './check-run.js';
import { isBotSender, type HandlerDeps } from './handler-deps.js';
import { announceRun } from './run-source.js';

/** "Re-run" on our check run starts the same run again (same source, options and settings). */
export async function handleCheckRunRerequested(deps: HandlerDeps, context: Context<'check_run.rerequested'>): Promise<void> {
  const { payload } = context;
  const checkRun = payload.check_run;
  if (isBotSender(payload.sender) || checkRun.name !== CHECK_RUN_NAME) return;
  if (deps.appId !== undefined && checkRun.app?.id !== deps.appId) return;
  const runId = checkRun.external_id;
  if (!runId) return;
  const previous = await deps.runService.get(runId);
  if (!previous) {
    deps.log.warn({ runId }, 'rerequested check run has no run');
    return;
  }
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  // The run repeats with the settings it was started with: the repo config is read once, at trigger.
  const run = await deps.runService.rerun(runId, { kind: 'rerequest', actor: payload.sender.login, deliveryId: context.id });
  await announceRun(deps, context.octokit, run);
  deps.log.info({ runId: run.id, previous: runId, owner, repo }, 'run requested again from the check run');
}
