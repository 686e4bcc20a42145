import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadEnv, type Env } from '../config/env.js';
import { createLogger, type Logger } from '../logger.js';
import { createGitPort, type LocalGitPort } from '../git/index.js';
import { createDockerSandbox, type DockerSandbox } from '../sandbox/index.js';
import { createLlm, type LlmConfig } from '../llm/create-llm.js';
import type { RunSettings } from '../config/run-settings.js';
import type { LlmPort } from '../llm/port.js';
import { openRunStore } from '../runs/open-run-store.js';
import { createBullmqQueue } from '../runs/queue/bullmq-queue.js';
import { createRunService, type RunServiceHandle, type RunServiceMode } from '../runs/run-service.js';
import type { RunStore } from '../runs/store.js';
import type { Run } from '../runs/types.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import type { Publisher } from '../pipeline/types.js';
import type { Stages } from '../pipeline/stages/types.js';
import { createStages, type StageDeps } from './create-stages.js';
import { createLocalPublisher } from './local-publisher.js';

export interface ServicesOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  log?: Logger;
  /** MCP stdio mode: logs go to stderr only. */
  logToStderr?: boolean;
  /** Publisher of a run; default: the local publisher (GitHub runs get theirs from the app). */
  publisherFor?: (run: Run) => Publisher | Promise<Publisher>;
  githubToken?: (installationId: number) => Promise<string>;
  /** Reads a linked issue of a PR without a spec (GitHub App only). */
  readIssue?: StageDeps['readIssue'];
  /** Where GitHub runs clone from (default `https://github.com`); tests use a `file://` folder of bare repositories. */
  gitBaseUrl?: string;
  /** The CLI keeps its runs in the user's cache unless TFACTORY_DB says otherwise. */
  defaultDb?: 'cwd' | 'user-cache';
  /** Tests and benchmarks may swap stages. */
  stages?: (defaults: Stages) => Stages;
  /** `own` for a CLI command: it carries out only its own run (runs/run-service.ts); default `queue`. */
  mode?: RunServiceMode;
  /**
   * With REDIS_URL: this process carries out runs from the queue (`tfactory worker`); the App and
   * the MCP server only submit. Without REDIS_URL every process takes runs from its store.
   */
  worker?: boolean;
}

export interface Services {
  /** Removes sandbox leftovers of dead processes, acts on runs whose lease expired, starts the worker. */
  start(): Promise<void>;
  env: Env;
  /** The environment as given (with the CLI's defaults applied); adapters read their keys from it. */
  rawEnv: NodeJS.ProcessEnv;
  log: Logger;
  store: RunStore;
  service: RunServiceHandle;
  git: LocalGitPort;
  sandbox: DockerSandbox;
  close(): Promise<void>;
}

/** The model of a run, from its settings; undefined for a run without a model (`--no-llm`). */
export function llmConfigFor(settings: RunSettings): LlmConfig | undefined {
  const m = settings.model;
  const timeoutMs = settings.timeouts.modelRequestMs;
  const retry = { maxRetries: settings.timeouts.modelAttempts - 1, maxCallMs: settings.timeouts.modelCallMs };
  const stallMs = settings.timeouts.modelStallMs;
  switch (m.provider) {
    case 'none':
      return undefined;
    case 'replay':
      return { provider: 'replay', transcript: m.transcript };
    case 'anthropic':
      return { provider: 'anthropic', model: m.id, timeoutMs, stallMs, retry };
    case 'openai':
      return { provider: 'openai', ...(m.id !== undefined ? { model: m.id } : {}), baseUrl: m.baseUrl, timeoutMs, stallMs, retry, ...(m.jsonMode ? { jsonMode: m.jsonMode } : {}) };
  }
}

/** Where a local run without --commit leaves its accepted tests: beside the run database. */
function localPublisherOptions(env: Env): { outRoot?: string } {
  return env.dbPath === ':memory:' ? {} : { outRoot: join(dirname(env.dbPath), 'accepted-tests') };
}

function userCacheDb(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tfactory', 'runs.db');
}

/** The composition root: env → ports → stages → pipeline → run service. Entry points only call this. */
export function createServices(opts: ServicesOptions): Services {
  const rawEnv = opts.defaultDb === 'user-cache' && !opts.env.TFACTORY_DB ? { ...opts.env, TFACTORY_DB: userCacheDb(opts.env) } : opts.env;
  const env = loadEnv(rawEnv, opts.cwd);
  const log = opts.log ?? createLogger({ level: env.logLevel, stderr: opts.logToStderr === true });
  const git = createGitPort({ workspaceRoot: env.workspaceRoot, log });
  const sandbox = createDockerSandbox({ env: opts.env });
  const defaults = createStages({
    git, sandbox, log,
    ...(opts.githubToken ? { githubToken: opts.githubToken } : {}),
    ...(opts.readIssue ? { readIssue: opts.readIssue } : {}),
    ...(opts.gitBaseUrl ? { gitBaseUrl: opts.gitBaseUrl } : {}),
  });
  const stages = opts.stages ? opts.stages(defaults) : defaults;
  const store = openRunStore({ dbPath: env.dbPath, ...(env.databaseUrl ? { databaseUrl: env.databaseUrl } : {}), settingsEnv: env });
  const executor = runPipeline({
    stages,
    ports: async (run) => {
      const config = llmConfigFor(run.request.settings);
      let llm: LlmPort | undefined;
      if (config) llm = await createLlm(config, rawEnv, { log: log.child({ runId: run.id }) });
      const publisher = opts.publisherFor ? await opts.publisherFor(run) : createLocalPublisher(localPublisherOptions(env));
      return { git, sandbox, publisher, ...(llm ? { llm } : {}) };
    },
  });
  // With REDIS_URL, runs go through BullMQ to `tfactory worker` processes; a CLI command keeps its own run.
  const queue = env.redisUrl && opts.mode !== 'own' ? createBullmqQueue({ url: env.redisUrl, ...(env.queueName ? { name: env.queueName } : {}), ...(env.leaseMs !== undefined ? { lockMs: env.leaseMs } : {}) }) : undefined;
  const service = createRunService({
    store, executor, concurrency: env.concurrency, log,
    ...(queue ? { queue, consume: opts.worker === true } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(env.leaseMs !== undefined ? { leaseMs: env.leaseMs } : {}),
  });
  return {
    env, rawEnv, log, store, service, git, sandbox,
    async start() {
      const removed = await sandbox.removeOrphans().catch((err: unknown) => {
        log.warn({ err }, 'leftover sandbox containers could not be checked');
        return undefined;
      });
      if (removed) log.debug({ removed }, 'sandbox leftovers removed');
      await service.start();
    },
    async close() {
      await service.stop({ abort: true });
      // The containers this process started and an aborted port call may not have reached yet.
      await sandbox.removeOrphans({ instanceId: sandbox.instanceId }).catch((err: unknown) => log.warn({ err }, 'sandbox containers could not be removed'));
      await store.close();
    },
  };
}
