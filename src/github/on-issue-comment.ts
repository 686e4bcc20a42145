import type { Context } from 'probot';
import { defaultRepoConfig, type RepoConfig } from '../config/repo-config.js';
import { createCompletedCheckRun } from './check-run.js';
import { parseCommand, renderHelp, type Command } from './commands.js';
import { isBotSender, type HandlerDeps } from './handler-deps.js';
import { checkTriggerPermission, renderRefusal } from './permissions.js';
import { loadRepoConfig, renderConfigErrors } from './repo-config-loader.js';
import { triggerSettings } from './trigger-settings.js';
import { idempotencyKeyFor, isRunOfPull, renderInProgress, sourceFromPull, startRun } from './run-source.js';
import { renderRunStatus, sortNewestFirst } from './run-status.js';

type CommentContext = Context<'issue_comment.created'>;

/** `/tfactory …` in a PR comment. Comments without a command cost no request. */
export async function handleIssueComment(deps: HandlerDeps, context: CommentContext): Promise<void> {
  const { payload } = context;
  if (isBotSender(payload.sender) || !payload.installation || !payload.issue.pull_request) return;
  const command = parseCommand(payload.comment.body);
  if (!command) return;

  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const pullNumber = payload.issue.number;
  const reply = async (body: string): Promise<void> => {
    await context.octokit.rest.issues.createComment({ owner, repo, issue_number: pullNumber, body });
  };

  const config = await loadRepoConfig((file) => context.config(file));
  const settings = config.ok ? config.config : defaultRepoConfig();
  const permission = await checkTriggerPermission(context.octokit, {
    owner,
    repo,
    username: payload.sender.login,
    association: payload.comment.author_association,
    allowedAssociations: settings.allowedAssociations,
  });
  if (!permission.allowed) return reply(renderRefusal(payload.sender.login));

  if (!config.ok) {
    const { title, summary } = renderConfigErrors(config.errors);
    if (command.kind !== 'run') return reply(`**${title}**\n\n${summary}`);
    const { data: pr } = await context.octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
    await createCompletedCheckRun(context.octokit, { owner, repo, headSha: pr.head.sha }, 'failure', { title, summary });
    return;
  }

  await dispatch(deps, context, command, { owner, repo, pullNumber, config: config.config, reply });
}

interface Target {
  owner: string;
  repo: string;
  pullNumber: number;
  config: RepoConfig;
  reply: (body: string) => Promise<void>;
}

async function dispatch(deps: HandlerDeps, context: CommentContext, command: Command, t: Target): Promise<void> {
  const { payload } = context;
  switch (command.kind) {
    case 'help':
      return t.reply(renderHelp(t.config.label));
    case 'unknown':
      return t.reply(renderHelp(t.config.label, command.problem));
    case 'status': {
      const runs = (await deps.runService.list({ limit: 200 })).filter((r) => isRunOfPull(r, t.owner, t.repo, t.pullNumber));
      return t.reply(renderRunStatus(sortNewestFirst(runs)[0]));
    }
    case 'cancel': {
      const active = (await deps.runService.list({ status: ['queued', 'running'] })).filter((r) => isRunOfPull(r, t.owner, t.repo, t.pullNumber));
      if (active.length === 0) return t.reply('No TFactory run of this pull request is in progress.');
      for (const run of active) await deps.runService.cancel(run.id, `cancelled by @${payload.sender.login}`);
      return t.reply(`Cancelled ${active.map((r) => `\`${r.id}\``).join(', ')}.`);
    }
    case 'run': {
      const installationId = payload.installation?.id;
      if (installationId === undefined) return;
      const { data: pr } = await context.octokit.rest.pulls.get({ owner: t.owner, repo: t.repo, pull_number: t.pullNumber });
      const { run, created, inProgress } = await startRun(deps, context.octokit, {
        source: sourceFromPull(t.owner, t.repo, installationId, pr),
        trigger: { kind: 'comment', actor: payload.sender.login, deliveryId: context.id },
        options: command.specId !== undefined ? { specId: command.specId } : {},
        settings: triggerSettings(t.config, deps.settingsEnv),
        idempotencyKey: idempotencyKeyFor(context.id, 'issue_comment', 'created'),
      });
      if (inProgress) {
        deps.log.info({ runId: run.id, owner: t.owner, repo: t.repo, pull: t.pullNumber }, 'run already in progress for this commit');
        return t.reply(renderInProgress(run));
      }
      if (created) {
        await context.octokit.rest.reactions.createForIssueComment({ owner: t.owner, repo: t.repo, comment_id: payload.comment.id, content: 'rocket' });
      }
      deps.log.info({ runId: run.id, created, owner: t.owner, repo: t.repo, pull: t.pullNumber }, 'run requested by comment');
      return;
    }
  }
}
