import { TfError } from '../../errors.js';
import { loadEnv } from '../../config/env.js';
import { createServices, type Services, type ServicesOptions } from '../../wiring/create-services.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import type { StopSignal } from '../signals.js';
import { wholeNumber } from '../run-options.js';

const HELP = `Usage: tfactory worker [--concurrency <n>]
       tfactory worker --status [--json]

  Carries out runs from the queue (BullMQ on REDIS_URL) until SIGTERM or Ctrl-C. Start as many
  as you like, on as many machines: each run is carried out once, by the worker holding its lease.
  On SIGTERM the runs in flight are handed back to the queue (their finished stages kept) and the
  worker exits 0; a second signal exits at once (the runs are taken over when their leases expire).
  Runs are recorded in DATABASE_URL (PostgreSQL), shared with the App, the MCP server and the CLI.
  With APP_ID and a private key, GitHub runs are cloned and published as the App.

  --concurrency <n>   runs at once in this worker (default TFACTORY_CONCURRENCY, else the CPUs)
  --status            print the queue's counts and its dead letters, then exit
  --json              with --status: one JSON object
`;

/** How the worker's services are made (tests pass their stages); default: the App's wiring when APP_ID is set. */
export type WorkerServices = (env: NodeJS.ProcessEnv, io: CliIo) => Promise<Services>;

async function defaultServices(env: NodeJS.ProcessEnv, io: CliIo): Promise<Services> {
  if (env.APP_ID) {
    const { startGithubWorker } = await import('../../index.js');
    let services: Services | undefined;
    await startGithubWorker({ env, cwd: io.cwd, onServices: (s) => (services = s) }).catch((err: unknown) => {
      exitSoon();
      throw err;
    });
    if (!services) throw new TfError('INTERNAL', 'the App did not build its services');
    const close = services.close.bind(services);
    return { ...services, close: async () => { await close(); exitSoon(); } };
  }
  return startOrClose(createServices({ env, cwd: io.cwd, logToStderr: true, worker: true }));
}

/** Starts the services; if they cannot start, closes them first (open connections would keep the process alive). */
async function startOrClose(services: Services): Promise<Services> {
  try {
    await services.start();
    return services;
  } catch (err) {
    await services.close();
    throw err;
  }
}

/**
 * Probot keeps the Redis connection of its shared throttling open and offers no way to close it:
 * once the worker has closed everything of its own, the process exits (with the command's status)
 * instead of waiting on it for ever.
 */
function exitSoon(): void {
  setTimeout(() => process.exit(), 2000).unref();
}

/** A worker with the given wiring: for `tfactory worker` and for tests with scripted stages. */
export function workerServices(extra: Partial<ServicesOptions>): WorkerServices {
  return async (env, io) => {
    return startOrClose(createServices({ env, cwd: io.cwd, logToStderr: true, worker: true, ...extra }));
  };
}

export async function run(argv: string[], io: CliIo, makeServices: WorkerServices = defaultServices): Promise<number> {
  const o = parseCommandArgs(argv, { concurrency: { type: 'string' }, status: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'see `tfactory worker --help`').values;
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  const concurrency = wholeNumber('concurrency', o.concurrency, 1, 256);
  const env: NodeJS.ProcessEnv = concurrency !== undefined ? { ...io.env, TFACTORY_CONCURRENCY: String(concurrency) } : io.env;
  const checked = loadEnv(env, io.cwd);
  if (!checked.redisUrl) {
    throw new TfError('CONFIG_INVALID', 'tfactory worker takes runs from a queue on Redis: REDIS_URL is not set', {
      hint: 'set REDIS_URL (e.g. redis://localhost:6379) here and in the App; without it the App carries out its runs itself',
    });
  }
  if (o.status) return printStatus(io, env, o.json === true);
  if (!checked.databaseUrl) {
    io.stderr(`tfactory worker: runs are recorded in SQLite (${checked.dbPath}): only processes on this machine share it; set DATABASE_URL for several machines\n`);
  }
  let stop: (signal: StopSignal) => void = () => undefined;
  const stopped = new Promise<StopSignal>((resolve) => (stop = resolve));
  const removeHandlers = io.onStopSignal?.((signal) => stop(signal));
  try {
    const services = await makeServices(env, io);
    io.stderr(`tfactory worker: taking runs from the queue (${services.env.concurrency} at once, lease owner ${services.service.owner})\n`);
    const signal = await stopped;
    io.stderr(`tfactory worker: ${signal}: handing back the runs in flight (${signal} again exits at once)\n`);
    await services.close();
    io.stderr('tfactory worker: stopped\n');
    return 0;
  } finally {
    removeHandlers?.();
  }
}

async function printStatus(io: CliIo, env: NodeJS.ProcessEnv, json: boolean): Promise<number> {
  const services = createServices({ env, cwd: io.cwd, logToStderr: true });
  try {
    const status = await services.service.queueStatus();
    if (json) {
      io.stdout(`${JSON.stringify(status)}\n`);
      return 0;
    }
    const c = status.counts;
    io.stdout(`queue (${status.kind}): ${c ? `${c.waiting} waiting, ${c.active} running, ${c.delayed} waiting to retry, ${c.failed} dead-lettered` : 'the run store'}\n`);
    for (const d of status.deadLetters) io.stdout(`  dead letter: run ${d.runId} after ${d.attempts} attempts at ${d.failedAt}: ${d.error}\n`);
    return 0;
  } finally {
    await services.close();
  }
}
