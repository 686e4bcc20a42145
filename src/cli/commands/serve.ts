import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { TfError } from '../../errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, startDashboardServer } from '../../dashboard/serve.js';
import { createServices } from '../../wiring/create-services.js';

const HELP = `Usage: tfactory serve [--port ${DEFAULT_PORT}] [--host ${DEFAULT_HOST}] [--worker]

  The run dashboard in a browser, over the local run database (TFACTORY_DB, else
  ~/.cache/tfactory/runs.db): every run with its status, stages, tests, verdicts and criteria;
  a running run's progress live; reports to download; cancel and run again.

  --port <n>     the port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>  the address to listen on (default ${DEFAULT_HOST}). Any address but loopback
                 needs TFACTORY_SERVE_TOKEN (a long random secret visitors type to sign in)
  --worker       also carry out queued runs in this process, so "Run again" works from the page
                 and a running run started here can be cancelled. Only when no other tfactory
                 process is carrying out runs of the same database.

  Ctrl-C stops it.
`;

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new TfError('USAGE', `--port must be a whole number from 0 to 65535, not '${text}'`, { hint: 'see `tfactory serve --help`' });
  return n;
}

export async function run(argv: string[], io: CliIo, until?: Promise<unknown>): Promise<number> {
  const { values: o } = parseCommandArgs(argv, {
    port: { type: 'string' }, host: { type: 'string' }, worker: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, 'see `tfactory serve --help`');
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  const port = parsePort(o.port);
  const env: NodeJS.ProcessEnv = io.env.LOG_LEVEL ? io.env : { ...io.env, LOG_LEVEL: 'warn' };
  const services = createServices({ env, cwd: io.cwd, defaultDb: 'user-cache', logToStderr: true });
  const worker = o.worker === true;
  // Runs this process carries out (only with --worker): those it can cancel while they run.
  const here = new Set<string>();
  const unsubscribe = services.service.subscribe((e) => {
    if (e.type === 'stage' || e.type === 'progress') here.add(e.run.id);
    if (e.type === 'finished') here.delete(e.run.id);
  });
  const token = io.env.TFACTORY_SERVE_TOKEN?.trim() || undefined;
  let served;
  try {
    served = await startDashboardServer({
      ...(o.host ? { host: o.host } : {}),
      port,
      ...(token ? { token } : {}),
      runs: services.service,
      stageOutputs: (id) => services.store.stageOutputs(id),
      log: services.log,
      cancelsRunning: (r) => worker && here.has(r.id),
      rerun: worker ? { enabled: true } : { enabled: false, note: 'To run it again from this page, start the dashboard with: tfactory serve --worker (or run tfactory run again in a terminal).' },
    });
  } catch (err) {
    unsubscribe();
    await services.store.close();
    throw err;
  }
  if (worker) await services.start();
  io.stderr(`tfactory serve: ${served.url} · runs from ${services.env.dbPath}${worker ? ' · carrying out queued runs' : ''}${token ? ' · sign in with TFACTORY_SERVE_TOKEN' : ''} · Ctrl-C stops it\n`);
  await (until ?? new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  }));
  unsubscribe();
  await served.close();
  if (worker) await services.close();
  else await services.store.close();
  return 0;
}
