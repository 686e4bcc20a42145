import { TfError } from '../errors.js';
import type { Run, RunRequest } from '../runs/types.js';
import { createServices, llmConfigFor, type ServicesOptions } from '../wiring/create-services.js';
import { createLlm } from '../llm/create-llm.js';
import type { CliIo } from './io.js';
import { createProgressDisplay } from './progress.js';
import { printReport, type ReportOutput } from './report-output.js';

/** How the report is shown (cli/report-output.ts). */
export type LocalRunOutput = ReportOutput;

/**
 * Submits a local run, follows it with a progress display, prints (or writes) the report, and
 * returns the exit code: 0 when the run succeeded, 1 when it failed.
 */
export async function runLocally(io: CliIo, request: RunRequest, output: LocalRunOutput, servicesOpts: Partial<ServicesOptions> = {}): Promise<{ code: number; run: Run | undefined }> {
  // The CLI's own lines are the progress display and the outcome; logs go to stderr, errors only unless LOG_LEVEL says otherwise.
  const env: NodeJS.ProcessEnv = io.env.LOG_LEVEL ? io.env : ({ ...io.env, LOG_LEVEL: 'error' } as NodeJS.ProcessEnv);
  const services = createServices({ env, cwd: io.cwd, defaultDb: 'user-cache', logToStderr: true, ...servicesOpts });
  try {
    // A model that cannot be built (no API key, a missing transcript) is said now, before any work.
    const llm = llmConfigFor(request.settings);
    if (llm) await createLlm(llm, services.rawEnv);
    await services.start();
    const { run: created } = await services.service.submit(request);
    const progress = createProgressDisplay(io, created.id);
    const unsubscribe = services.service.subscribe(progress.onEvent);
    io.stderr(`tfactory: run ${created.id}\n`);
    const finished = await waitForEnd(services.service, created.id);
    unsubscribe();
    progress.done();
    if (!finished) throw new TfError('RUN_NOT_FOUND', `run ${created.id} disappeared from the store`);
    if (finished.report) await printReport(io, finished.report, output, services.env.dbPath);
    const publish = finished.stages.find((s) => s.name === 'publish');
    if (publish?.note) io.stderr(`tfactory: publish ${publish.status} (${publish.note})\n`);
    if (finished.status !== 'succeeded') {
      io.stderr(`tfactory: run ${finished.status}${finished.error ? `: ${finished.error.message}` : ''}\n`);
      return { code: 1, run: finished };
    }
    return { code: 0, run: finished };
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
