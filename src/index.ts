/**
 * The GitHub App's entry: wiring only (DESIGN.md, habit 1).
 *  - `node dist/index.js` checks the environment (naming what is missing), then runs the Probot server;
 *  - `probot run ./dist/index.js` (npm start) loads the default export, which checks the same.
 * The app function is `createApp(deps)` (src/github/app.ts); the services is `createServices` (src/wiring/).
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { Probot, type ApplicationFunction } from 'probot';
import { createApp, getInstallationToken, type AppDeps } from './github/app.js';
import { apiBaseOf, type InstallationAuth, type Octokit } from './github/octokit.js';
import { gitBaseFromApiBase } from './git/remote-url.js';
import { createIssueReader } from './github/issue-reader.js';
import { checkServerEnv, renderServerEnvProblems, serveApp } from './github/serve.js';
import type { Logger } from './logger.js';
import type { Publisher } from './pipeline/types.js';
import { renderMarkdown } from './report/render-markdown.js';
import { createServices, type Services, type ServicesOptions } from './wiring/create-services.js';
import { createLocalPublisher } from './wiring/local-publisher.js';
import { createAppDashboard } from './dashboard/app-mount.js';

export { createApp };
export type { AppDeps };

/** Builds the app's dependencies (run service + worker running the pipeline, report renderer). */
export type AppDepsFactory = (app: Probot) => AppDeps | Promise<AppDeps>;

/** The app function for a given wiring. */
export function createEntry(factory: AppDepsFactory): ApplicationFunction {
  return createApp(factory);
}

export interface TfactoryAppOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  log?: Logger;
  /** Our App id; default APP_ID from env. */
  appId?: number;
  /** Where repositories are cloned from and pushed to (default: the git host of Probot's REST base, github.com or GHES). */
  gitBaseUrl?: string;
  /** Temporary checkouts of the publisher. */
  workRoot?: string;
  progressIntervalMs?: number;
  /** Start the worker once the app is loaded (default true). */
  startWorker?: boolean;
  /** Tests and benchmarks may swap stages. */
  stages?: ServicesOptions['stages'];
  /** Receives the services once built (shutdown, tests). */
  onServices?: (services: Services) => void;
  /** With REDIS_URL: this process carries out queued runs (`tfactory worker`) instead of only submitting them. */
  worker?: boolean;
}

/**
 * The real wiring: env → services (SQLite store, git, Docker sandbox, model, pipeline, run service);
 * GitHub runs publish through the app's publisher, which exists only once the app is loaded, so it is
 * bound late (`onReady`) and the worker starts then. Clones use installation tokens from the app's auth.
 */
export function createTfactoryApp(opts: TfactoryAppOptions): ApplicationFunction {
  return createEntry(async (app) => {
    // GitHub Enterprise Server: Probot's REST base (GHE_HOST, GHE_PROTOCOL) names the git host too.
    const gitBaseUrl = opts.gitBaseUrl ?? gitBaseFromApiBase(await apiBaseOf(app));
    const auth: InstallationAuth = (installationId) => app.auth(installationId) as Promise<Octokit>;
    let bindPublisher: (publisher: Publisher) => void = () => undefined;
    const githubPublisher = new Promise<Publisher>((resolve) => {
      bindPublisher = resolve;
    });
    const services = createServices({
      env: opts.env,
      cwd: opts.cwd,
      ...(opts.log ? { log: opts.log } : {}),
      githubToken: (installationId) => getInstallationToken(auth, installationId),
      readIssue: createIssueReader(auth),
      publisherFor: (run) => (run.request.source.kind === 'github' ? githubPublisher : createLocalPublisher()),
      gitBaseUrl,
      ...(opts.stages ? { stages: opts.stages } : {}),
      ...(opts.worker ? { worker: true } : {}),
    });
    opts.onServices?.(services);
    const appId = opts.appId ?? services.env.github.appId;
    return {
      runService: services.service,
      renderMarkdown,
      settingsEnv: services.env,
      ...(appId !== undefined ? { appId } : {}),
      gitBaseUrl,
      ...(opts.workRoot ? { workRoot: opts.workRoot } : {}),
      // Deliveries wait beside the run database between the webhook's answer and the end of their work.
      ...(services.env.dbPath !== ':memory:' ? { inboxDir: join(dirname(services.env.dbPath), 'deliveries') } : {}),
      ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
      ...(opts.env.TFACTORY_PUBLIC_URL ? { publicUrl: opts.env.TFACTORY_PUBLIC_URL } : {}),
      httpHandler: createAppDashboard({ env: opts.env, runs: services.service, stageOutputs: (id) => services.store.stageOutputs(id), log: services.log }),
      onReady: (github) => {
        bindPublisher(github.publisher);
        if (opts.startWorker === false) return;
        services.start().catch((err: unknown) => services.log.error({ err }, 'the worker did not start'));
      },
    };
  });
}

/**
 * `tfactory worker` with the App's credentials (APP_ID and a private key): the app is loaded into a
 * Probot instance without its web server, so GitHub runs are cloned and published as the App and
 * their check runs follow the progress of the runs carried out here. Probot throttles GitHub calls
 * through REDIS_URL, shared with the App. Resolves once the worker has started.
 */
export async function startGithubWorker(opts: { env: NodeJS.ProcessEnv; cwd: string; log?: Logger; onServices: (services: Services) => void }): Promise<void> {
  let services: Services | undefined;
  const appFn = createTfactoryApp({ env: opts.env, cwd: opts.cwd, ...(opts.log ? { log: opts.log } : {}), worker: true, startWorker: false, onServices: (s) => { services = s; opts.onServices(s); } });
  const appId = Number(opts.env.APP_ID);
  const privateKey = opts.env.PRIVATE_KEY ? opts.env.PRIVATE_KEY.replace(/\\n/g, '\n') : await readFile(opts.env.PRIVATE_KEY_PATH ?? '', 'utf8');
  const probot = new Probot({ appId, privateKey, ...(opts.env.REDIS_URL ? { redisConfig: opts.env.REDIS_URL } : {}) });
  await probot.load(appFn);
  await services?.start().catch(async (err: unknown) => {
    await services?.close(); // its connections (Redis, PostgreSQL) would keep the process alive
    throw err;
  });
}

/** SIGTERM / SIGINT: stop taking runs, interrupt those in flight (queued again on restart), close the store. */
export function closeOnSignals(services: Services, exit: (code: number) => void = (code) => process.exit(code)): void {
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    services.log.info({ signal }, 'shutting down');
    services.close().then(
      () => exit(0),
      (err: unknown) => {
        services.log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/** The app as the server runs it: env from the process; a missing variable stops it with a clear message. */
function productionApp(): ApplicationFunction {
  const cwd = process.cwd();
  const app = createTfactoryApp({ env: process.env, cwd, onServices: (services) => closeOnSignals(services) });
  return async (probot, options) => {
    const issues = checkServerEnv(process.env, cwd);
    if (issues.length > 0) {
      process.stderr.write(renderServerEnvProblems(issues));
      process.exit(1);
    }
    await app(probot, options);
  };
}

const app = productionApp();
export default app;

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void serveApp(app, process.env, process.cwd(), {
    stderr: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
  });
}
