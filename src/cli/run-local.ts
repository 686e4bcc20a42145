import { TfError } from '../errors.js';
import { summarisePublication } from '../report/publication.js';
import type { Run, RunEvent, RunRequest } from '../runs/types.js';
import { createServices, llmConfigFor, type ServicesOptions } from '../wiring/create-services.js';
import { RUNNER_NAMES } from '../sandbox/images/index.js';
import type { CliIo } from './io.js';
import { preflight, runnersForChange } from './preflight.js';
import { createProgressDisplay, progressModeFor, type ProgressMode } from './progress.js';
import { printReport, type ReportOutput } from './report-output.js';
import { exitCodeOf, type StopSignal } from './signals.js';

/** How the report is shown (cli/report-output.ts) and how the run is followed. */
export interface LocalRunOutput extends ReportOutput {
  /** How the run is followed on stderr (default: live on a terminal, else a line per change). */
  progress?: ProgressMode;
  /** Logs at info level on stderr (default: errors only, unless LOG_LEVEL says otherwise). */
  verbose?: boolean;
}

/** Exit codes of `run` and `evaluate` (README, "Errors"); 2 is a usage error (cli/main.ts); 130/143 stopped by SIGINT/SIGTERM. */
export const EXIT = { accepted: 0, failed: 1, noneAccepted: 3 } as const;

/** The run a local command carries out: a new one, or an interrupted one it resumes. */
export type LocalRunTarget = { request: RunRequest } | { resume: string };

/** The CLI's own lines are the progress display and the outcome; logs go to stderr, errors only unless LOG_LEVEL says otherwise. */
function cliEnv(io: CliIo, output: LocalRunOutput): NodeJS.ProcessEnv {
  return io.env.LOG_LEVEL ? io.env : ({ ...io.env, LOG_LEVEL: output.verbose ? 'info' : 'error' } as NodeJS.ProcessEnv);
}

/** The expected failures (engine down, images missing, no model key), said before the run is recorded or resumed. */
async function preflightFor(request: RunRequest, env: NodeJS.ProcessEnv): Promise<void> {
  const llm = llmConfigFor(request.settings);
  const source = request.source;
  const runners = source.kind === 'local'
    ? await runnersForChange(source.repoPath, source.baseRef, source.headRef, (request.options.provided ?? []).map((p) => p.path))
    : [...RUNNER_NAMES];
  await preflight({ env, runners, ...(llm ? { llm } : {}) });
}

/**
 * Submits a local run, follows it with a progress display, prints (or writes) the report, and
 * returns the exit code: 0 when the run succeeded with at least one accepted test, 1 when it
 * failed, 3 when it finished without accepting any test, 130/143 when a signal interrupted it.
 */
export async function runLocally(io: CliIo, request: RunRequest, output: LocalRunOutput, servicesOpts: Partial<ServicesOptions> = {}): Promise<{ code: number; run: Run | undefined }> {
  const env = cliEnv(io, output);
  await preflightFor(request, env);
  return followLocalRun(io, { request }, output, { ...servicesOpts, env });
}

/** `tfactory run --resume <id>`: carries an interrupted run on here, from the stage it was in. */
export async function resumeLocally(io: CliIo, runId: string, output: LocalRunOutput, servicesOpts: Partial<ServicesOptions> = {}): Promise<{ code: number; run: Run | undefined }> {
  const env = cliEnv(io, output);
  return followLocalRun(io, { resume: runId }, output, { ...servicesOpts, env }, (request) => preflightFor(request, env));
}

/**
 * Carries out one run in this process and only that one (the run service's `own` mode: it never
 * adopts another command's run). The first SIGINT/SIGTERM stops it: its containers are stopped,
 * it is marked `interrupted` (resumable) and its lease released; a second signal forces exit.
 */
export async function followLocalRun(
  io: CliIo,
  target: LocalRunTarget,
  output: LocalRunOutput,
  servicesOpts: Partial<ServicesOptions> = {},
  beforeResume?: (request: RunRequest) => Promise<void>,
): Promise<{ code: number; run: Run | undefined }> {
  const services = createServices({ env: cliEnv(io, output), cwd: io.cwd, defaultDb: 'user-cache', logToStderr: true, mode: 'own', ...servicesOpts });
  let stoppedBy: StopSignal | undefined;
  let stopping: Promise<void> | undefined;
  let launched = false;
  const stopRun = (signal: StopSignal): void => {
    stoppedBy = signal;
    io.stderr(`tfactory: ${signal}: stopping the run and its containers (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again forces exit)\n`);
    if (launched) stopping = services.service.stop({ abort: true });
  };
  const removeHandlers = io.onStopSignal?.(stopRun);
  // Events are kept from before the run exists, so the display misses none of its own.
  const early: RunEvent[] = [];
  let onEvent: (e: RunEvent) => void = (e) => void early.push(e);
  const unsubscribe = services.service.subscribe((e) => onEvent(e));
  try {
    await services.start();
    let id: string;
    if ('request' in target) {
      id = (await services.service.submit(target.request)).run.id;
    } else {
      const existing = await services.service.get(target.resume);
      if (!existing) throw new TfError('RUN_NOT_FOUND', `no run ${target.resume} in ${services.env.dbPath}`, { hint: 'check the id, and TFACTORY_DB if you set it for the first command' });
      await beforeResume?.(existing.request);
      id = (await services.service.resume(target.resume)).id;
    }
    launched = true;
    if (stoppedBy) stopping = services.service.stop({ abort: true }); // a signal came while it was being recorded
    const mode = output.progress ?? progressModeFor({}, io);
    const progress = createProgressDisplay(io, id, mode);
    onEvent = progress.onEvent;
    for (const e of early.splice(0)) progress.onEvent(e);
    if (mode === 'lines') io.stderr(`tfactory: run ${id}\n`);
    const finished = await waitForEnd(services.service, id);
    await stopping;
    progress.done();
    if (!finished) throw new TfError('RUN_NOT_FOUND', `run ${id} disappeared from the store`);
    if (finished.status === 'interrupted') {
      io.stderr(`tfactory: run ${id} interrupted; carry it on with: tfactory run --resume ${id}\n`);
      return { code: exitCodeOf(stoppedBy ?? 'SIGTERM'), run: finished };
    }
    if (finished.report) await printReport(io, finished.report, output, services.env.dbPath);
    const publish = finished.stages.find((s) => s.name === 'publish');
    if (publish?.note) io.stderr(`tfactory: publish ${publish.status} (${publish.note})\n`);
    if (finished.report?.publication) io.stderr(`tfactory: ${summarisePublication(finished.report.publication)}\n`);
    if (finished.status !== 'succeeded') {
      io.stderr(`tfactory: run ${finished.status}${finished.error ? `: ${finished.error.message}` : ''}\n`);
      return { code: EXIT.failed, run: finished };
    }
    if ((finished.report?.summary.accepted ?? 0) === 0) {
      io.stderr('tfactory: the run finished, but no test was accepted (exit 3)\n');
      return { code: EXIT.noneAccepted, run: finished };
    }
    return { code: EXIT.accepted, run: finished };
  } finally {
    unsubscribe();
    await services.close();
    removeHandlers?.();
  }
}

async function waitForEnd(service: ReturnType<typeof createServices>['service'], id: string): Promise<Run | undefined> {
  await new Promise<void>((resolveEnd) => {
    const unsubscribe = service.subscribe((e) => {
      if (e.type === 'finished' && e.run.id === id) {
        unsubscribe();
        resolveEnd();
      }
    });
    void service.get(id).then((r) => {
      if (r && !['queued', 'running'].includes(r.status)) {
        unsubscribe();
        resolveEnd();
      }
    });
  });
  return service.get(id);
}
