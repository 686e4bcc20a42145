import type { Context } from 'probot';
import { defaultRepoConfig } from '../config/repo-config.js';
import { createCompletedCheckRun } from './check-run.js';
import { isBotSender, type HandlerDeps } from './handler-deps.js';
import { checkTriggerPermission, renderRefusal } from './permissions.js';
import { hasRunTrailer } from './push-tests.js';
import { loadRepoConfig, renderConfigErrors } from './repo-config-loader.js';
import { triggerSettings } from './trigger-settings.js';
import { idempotencyKeyFor, renderInProgress, sourceFromPull, startRun } from './run-source.js';

/** `pull_request.labeled` with the configured label starts a run. */
export async function handlePullRequestLabeled(deps: HandlerDeps, context: Context<'pull_request.labeled'>): Promise<void> {
  const { payload } = context;
  if (isBotSender(payload.sender) || !payload.installation || !payload.label) return;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const pr = payload.pull_request;
  const config = await loadRepoConfig((file) => context.config(file));
  if (!config.ok) {
    // The configured label is unknown; the default one still gets an answer.
    if (payload.label.name !== defaultRepoConfig().label) return;
    await createCompletedCheckRun(context.octokit, { owner, repo, headSha: pr.head.sha }, 'failure', renderConfigErrors(config.errors));
    return;
  }
  if (payload.label.name !== config.config.label) return;
  const permission = await checkTriggerPermission(context.octokit, {
    owner,
    repo,
    username: payload.sender.login,
    allowedAssociations: config.config.allowedAssociations,
  });
  if (!permission.allowed) {
    await context.octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body: renderRefusal(payload.sender.login) });
    return;
  }
  const { run, created, inProgress } = await startRun(deps, context.octokit, {
    source: sourceFromPull(owner, repo, payload.installation.id, pr),
    trigger: { kind: 'label', actor: payload.sender.login, deliveryId: context.id },
    options: {},
    settings: triggerSettings(config.config, deps.settingsEnv),
    idempotencyKey: idempotencyKeyFor(context.id, 'pull_request', 'labeled'),
  });
  deps.log.info({ runId: run.id, created, inProgress: inProgress === true, owner, repo, pull: pr.number }, inProgress ? 'run already in progress for this commit' : 'run requested by label');
  // The PR is told which run is in progress, once per run (a label added again and again makes one comment).
  if (inProgress && deps.toldInProgress && !deps.toldInProgress.has(run.id)) {
    if (deps.toldInProgress.size > 10_000) deps.toldInProgress.clear();
    deps.toldInProgress.add(run.id);
    await context.octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body: renderInProgress(run) });
  }
}

/**
 * `pull_request.synchronize` runs again while the label is on, when the repo config says
 * `onPush: rerun`. The app's own pushes (a bot sender, or a head commit with our trailer) never do.
 */
export async function handlePullRequestSynchronize(deps: HandlerDeps, context: Context<'pull_request.synchronize'>): Promise<void> {
  const { payload } = context;
  if (isBotSender(payload.sender) || !payload.installation) return;
  const pr = payload.pull_request;
  if (pr.labels.length === 0) return;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const config = await loadRepoConfig((file) => context.config(file));
  if (!config.ok) return; // the label and comment triggers report an invalid config
  if (config.config.onPush !== 'rerun' || !pr.labels.some((l) => l.name === config.config.label)) return;
  const { data: commit } = await context.octokit.rest.git.getCommit({ owner, repo, commit_sha: pr.head.sha });
  if (hasRunTrailer(commit.message)) return;
  const permission = await checkTriggerPermission(context.octokit, {
    owner,
    repo,
    username: payload.sender.login,
    allowedAssociations: config.config.allowedAssociations,
  });
  if (!permission.allowed) return; // a push is not a request: no comment on every push
  const { run, created } = await startRun(deps, context.octokit, {
    source: sourceFromPull(owner, repo, payload.installation.id, pr),
    trigger: { kind: 'synchronize', actor: payload.sender.login, deliveryId: context.id },
    options: {},
    settings: triggerSettings(config.config, deps.settingsEnv),
    idempotencyKey: idempotencyKeyFor(context.id, 'pull_request', 'synchronize'),
  });
  deps.log.info({ runId: run.id, created, owner, repo, pull: pr.number }, 'run requested by push');
}
