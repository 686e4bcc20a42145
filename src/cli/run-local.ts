import { TfError } from '../errors.js';
import { summarisePublication } from '../report/publication.js';
import type { Run, RunRequest } from '../runs/types.js';
import { createServices, llmConfigFor, type ServicesOptions } from '../wiring/create-services.js';
import { RUNNER_NAMES } from '../sandbox/images/index.js';
import type { CliIo } from './io.js';
import { preflight, runnersForChange } from './preflight.js';
import { createProgressDisplay, progressModeFor, type ProgressMode } from './progress.js';
import { printReport, type ReportOutput } from './report-output.js';

/** How the report is shown (cli/report-output.ts) and how the run is followed. */
export interface LocalRunOutput extends ReportOutput {
  /** How the run is followed on stderr (default: live on a terminal, else a line per change). */
  progress?: ProgressMode;
  /** Logs at info level on stderr (default: errors only, unless LOG_LEVEL says otherwise). */
  verbose?: boolean;
}

/** Exit codes of `run` and `evaluate` (README, "Errors"); 2 is a usage error (cli/main.ts). */
export const EXIT = { accepted: 0, failed: 1, noneAccepted: 3 } as const;

/**
 * Submits a local run, follows it with a progress display, prints (or writes) the report, and
 * returns the exit code: 0 when the run succeeded with at least one accepted test, 1 when it
 * failed, 3 when it finished without accepting any test.
 */
export async function runLocally(io: CliIo, request: RunRequest, output: LocalRunOutput, servicesOpts: Partial<ServicesOptions> = {}): Promise<{ code: number; run: Run | undefined }> {
  // The CLI's own lines are the progress display and the outcome; logs go to stderr, errors only unless LOG_LEVEL says otherwise.
  const env: NodeJS.ProcessEnv = io.env.LOG_LEVEL ? io.env : ({ ...io.env, LOG_LEVEL: output.verbose ? 'info' : 'error' } as NodeJS.ProcessEnv);
  // The expected failures (engine down, images missing, no model key) are said now: no run is recorded.
  const llm = llmConfigFor(request.settings);
  const source = request.source;
  const runners = source.kind === 'local'
    ? await runnersForChange(source.repoPath, source.baseRef, source.headRef, (request.options.provided ?? []).map((p) => p.path))
    : [...RUNNER_NAMES];
  await preflight({ env, runners, ...(llm ? { llm } : {}) });
  const services = createServices({ env, cwd: io.cwd, defaultDb: 'user-cache', logToStderr: true, ...servicesOpts });
  try {
    await services.start();
    const { run: created } = await services.service.submit(request);
    const mode = output.progress ?? progressModeFor({}, io);
    const progress = createProgressDisplay(io, created.id, mode);
    const unsubscribe = services.service.subscribe(progress.onEvent);
    if (mode === 'lines') io.stderr(`tfactory: run ${created.id}\n`);
    const finished = await waitForEnd(services.service, created.id);
    unsubscribe();
    progress.done();
    if (!finished) throw new TfError('RUN_NOT_FOUND', `run ${created.id} disappeared from the store`);
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
    await services.close();
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
