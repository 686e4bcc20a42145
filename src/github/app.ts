import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from 'probot';
import type { GitAuthor } from '../git/commit-push.js';
import type { Publisher } from '../pipeline/types.js';
import type { RunService } from '../runs/types.js';
import { createCheckRunProgress, type CheckRunProgress } from './check-run-progress.js';
import { CheckRunTracker } from './check-run-tracker.js';
import { createDeferredWork } from './deferred-work.js';
import { DeliveryInbox } from './delivery-inbox.js';
import { KeyedLock } from './keyed-lock.js';
import type { HandlerDeps } from './handler-deps.js';
import { apiBaseOf, type InstallationAuth, type Octokit } from './octokit.js';
import { gitBaseFromApiBase } from '../git/remote-url.js';
import { handleCheckRunRerequested } from './on-check-run.js';
import { handleIssueComment } from './on-issue-comment.js';
import { handlePullRequestLabeled, handlePullRequestSynchronize } from './on-pull-request.js';
import { createGithubPublisher, type RenderMarkdown } from './publisher.js';
import type { SettingsEnv } from '../config/run-settings.js';
import type { Schedule } from './throttle.js';
import { runPageUrl } from '../dashboard/run-url.js';

type Handler = ApplicationFunctionOptions['addHandler'] extends (handler: infer H) => void ? H : never;

export interface AppDeps {
  runService: RunService;
  /** The report renderer (src/report/): the PR comment and the check run text. */
  renderMarkdown: RenderMarkdown;
  /** Our GitHub App id (env APP_ID): a rerequested check run of another app is ignored. */
  appId?: number;
  /** The server's model settings, under a repo config's (see config/run-settings.ts); default Anthropic. */
  settingsEnv?: SettingsEnv;
  /** Default: the git host of Probot's REST base (github.com, or the GHES host); tests use a `file://` folder of bare repositories. */
  gitBaseUrl?: string;
  author?: GitAuthor;
  workRoot?: string;
  /** Minimum time between two progress updates of one check run (default 5 s). */
  progressIntervalMs?: number;
  schedule?: Schedule;
  now?: () => number;
  /** Where deliveries wait, between the webhook's answer and the end of their work (default: memory only). */
  inboxDir?: string;
  /** Receives the GitHub side once loaded: the worker publishes GitHub runs through `publisher`. */
  onReady?: (github: GithubRuntime) => void;
  /** TFACTORY_PUBLIC_URL: the check run's details link and the PR comment point at the run's dashboard page. */
  publicUrl?: string;
  /** More pages on Probot's server (the run dashboard under /tfactory/): true when it answered. */
  httpHandler?: Handler;
}

export interface GithubRuntime {
  publisher: Publisher;
  progress: CheckRunProgress;
  tracker: CheckRunTracker;
  /** Stops following the run service's events and closes the delivery journal. */
  stop(): void;
  /** Resolves once the work of every delivery answered so far is done. */
  settled(): Promise<void>;
}

/** An installation token for git, from Probot's installation client. */
export async function getInstallationToken(auth: InstallationAuth, installationId: number): Promise<string> {
  const octokit = await auth(installationId);
  const result = (await octokit.auth({ type: 'installation' })) as { token?: unknown };
  if (typeof result.token !== 'string') throw new Error('installation authentication returned no token');
  return result.token;
}

/** The Probot app function: wires the triggers, the check run progress and the publisher. */
export function createApp(deps: AppDeps | ((app: Probot) => AppDeps | Promise<AppDeps>)): ApplicationFunction {
  return async (app, options?: ApplicationFunctionOptions) => {
    const d = typeof deps === 'function' ? await deps(app) : deps;
    const log = app.log.child({ name: 'tfactory-github' });
    const auth: InstallationAuth = (installationId) => app.auth(installationId) as Promise<Octokit>;
    const tracker = new CheckRunTracker();
    const progress = createCheckRunProgress({
      auth,
      tracker,
      log,
      ...(d.progressIntervalMs !== undefined ? { minIntervalMs: d.progressIntervalMs } : {}),
      ...(d.schedule ? { schedule: d.schedule } : {}),
      ...(d.now ? { now: d.now } : {}),
    });
    const stop = progress.watch(d.runService);
    const pageOf = (runId: string): string | undefined => runPageUrl(d.publicUrl, runId);
    const publisher = createGithubPublisher({
      auth,
      getToken: (installationId) => getInstallationToken(auth, installationId),
      tracker,
      progress,
      renderMarkdown: d.renderMarkdown,
      log,
      gitBaseUrl: d.gitBaseUrl ?? gitBaseFromApiBase(await apiBaseOf(app)),
      ...(d.author ? { author: d.author } : {}),
      ...(d.workRoot ? { workRoot: d.workRoot } : {}),
      runPageUrl: pageOf,
    });
    const handlerDeps: HandlerDeps = {
      runService: d.runService,
      tracker,
      pullLock: new KeyedLock(),
      toldInProgress: new Set<string>(),
      log,
      ...(d.appId !== undefined ? { appId: d.appId } : {}),
      ...(d.settingsEnv ? { settingsEnv: d.settingsEnv } : {}),
      runPageUrl: pageOf,
    };

    // The webhook is answered once the delivery is recorded; the handler's work (config, permission,
    // run, check run, comments) happens after the answer (deferred-work.ts).
    const inbox = new DeliveryInbox(d.inboxDir);
    const work = createDeferredWork({ inbox, log, deps: handlerDeps, auth: (id) => app.auth(id) });
    app.on('pull_request.labeled', (context) => work.accept(context, handlePullRequestLabeled));
    app.on('pull_request.synchronize', (context) => work.accept(context, handlePullRequestSynchronize));
    app.on('issue_comment.created', (context) => work.accept(context, handleIssueComment));
    app.on('check_run.rerequested', (context) => work.accept(context, handleCheckRunRerequested));
    work.replayPending();

    if (d.httpHandler && options) {
      // Probot.load without a server (tests, probot.receive only) has nowhere to mount pages.
      try {
        options.addHandler(d.httpHandler);
      } catch (err) {
        log.debug({ err }, 'no HTTP server: extra pages not mounted');
      }
    }
    const stopAll = (): void => {
      stop();
      inbox.close().catch((err: unknown) => log.warn({ err }, 'delivery journal not closed'));
    };
    d.onReady?.({ publisher, progress, tracker, stop: stopAll, settled: () => work.settled() });
  };
}
