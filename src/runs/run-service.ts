import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { TfError, isTfError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createRunEvents } from './events.js';
import type { ExecutorContext, RunExecutor } from './executor.js';
import { recoverRuns } from './recovery.js';
import type { RunStore, StageUpdate } from './store.js';
import { subjectKeyOf } from './subject.js';
import type { Run, RunRequest, RunService, RunStatus } from './types.js';

export interface RunServiceOptions {
  store: RunStore;
  executor: RunExecutor;
  /** Runs carried out at once; default `os.availableParallelism()`. */
  concurrency?: number;
  log: Logger;
  now?: () => Date;
  newId?: () => string;
}

export interface RunServiceHandle extends RunService {
  /** Recovers runs a crashed worker left behind, then starts taking queued runs. */
  start(): Promise<void>;
  /** Stops taking runs and waits for those in flight; `abort` interrupts them (they are queued again). */
  stop(opts?: { abort?: boolean }): Promise<void>;
  /** Resolves once nothing is queued and nothing is in flight in this worker. */
  idle(): Promise<void>;
}

const ACTIVE: RunStatus[] = ['queued', 'running'];
const SHUTDOWN = 'worker shutting down';

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/** The in-process queue and worker over a RunStore: bounded concurrency, FIFO, cancel, supersede, recovery. */
export function createRunService(opts: RunServiceOptions): RunServiceHandle {
  const { store, executor, log } = opts;
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const now = opts.now ?? (() => new Date());
  const newId = opts.newId ?? randomUUID;
  const events = createRunEvents(log);
  const inFlight = new Map<string, InFlight>();
  let started = false;
  let stopped = false;
  let pumping: Promise<void> | undefined;
  let again = false;

  const iso = (): string => now().toISOString();

  /** Moves an active run to a final status; emits `finished` only when this call made the change. */
  async function finish(id: string, status: RunStatus, extra: { error?: NonNullable<Run['error']>; supersededBy?: string } = {}): Promise<Run | undefined> {
    const at = iso();
    const run = await store.update(id, { status, finishedAt: at, ...extra }, { ifStatus: ACTIVE, at });
    if (run) events.emit({ type: 'finished', run });
    return run;
  }

  function pump(): Promise<void> {
    if (!started || stopped) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        while (!stopped && inFlight.size < concurrency) {
          const run = await store.claimNext(iso());
          if (!run) break;
          launch(run);
        }
      } while (again && !stopped);
    })()
      .catch((err: unknown) => log.error({ err }, 'worker could not take a queued run'))
      .finally(() => {
        pumping = undefined;
      });
    return pumping;
  }

  function launch(claimed: Run): void {
    const controller = new AbortController();
    const entry: InFlight = { controller, done: Promise.resolve() };
    inFlight.set(claimed.id, entry);
    entry.done = execute(claimed, controller)
      .catch((err: unknown) => log.error({ err, runId: claimed.id }, 'run could not be recorded'))
      .finally(() => {
      inFlight.delete(claimed.id);
      void pump();
    });
  }

  async function execute(claimed: Run, controller: AbortController): Promise<void> {
    const runLog = log.child({ runId: claimed.id });
    const current = await store.get(claimed.id);
    if (!current || current.status !== 'running') return; // cancelled between claim and launch
    let latest = current;
    const ctx: ExecutorContext = {
      signal: controller.signal,
      resumeFrom: await store.stageOutputs(claimed.id),
      log: runLog,
      async reportStage(update: StageUpdate) {
        const run = await store.recordStage(claimed.id, update, iso());
        if (run) latest = run;
        events.emit({ type: 'stage', run: latest, stage: update.name });
        return latest;
      },
      reportProgress(stage, done, total) {
        latest = { ...latest, stages: latest.stages.map((s) => (s.name === stage ? { ...s, progress: { done, total } } : s)) };
        events.emit({ type: 'progress', run: latest, stage, done, total });
        const status = latest.stages.find((s) => s.name === stage)?.status ?? 'running';
        store.recordStage(claimed.id, { name: stage, status, progress: { done, total } }, iso()).catch((err: unknown) => runLog.warn({ err }, 'progress not recorded'));
      },
      async reportUsage(usage) {
        const run = await store.addUsage(claimed.id, usage, iso());
        if (run) latest = run;
      },
    };
    runLog.info({ resumes: current.resumes, resumeFrom: Object.keys(ctx.resumeFrom) }, 'run started');
    try {
      const outcome = await Promise.resolve().then(() => executor(current, ctx));
      if (outcome.report) await store.update(claimed.id, { report: outcome.report }, { at: iso() });
      await finish(claimed.id, 'succeeded');
      runLog.info('run succeeded');
    } catch (err) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        if (reason instanceof TfError && reason.message === SHUTDOWN) {
          await store.update(claimed.id, { status: 'queued' }, { ifStatus: ['running'], at: iso() });
        } else {
          await finish(claimed.id, 'cancelled', { error: { code: 'RUN_CANCELLED', message: reason instanceof Error ? reason.message : 'cancelled' } });
        }
        runLog.info('run stopped by its abort signal');
        return;
      }
      const error = isTfError(err) ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      await finish(claimed.id, 'failed', { error });
      runLog.warn({ err }, 'run failed');
    }
  }

  async function cancelRun(id: string, status: 'cancelled' | 'superseded', message: string, supersededBy?: string): Promise<Run | undefined> {
    const run = await finish(id, status, { error: { code: 'RUN_CANCELLED', message }, ...(supersededBy ? { supersededBy } : {}) });
    if (run) inFlight.get(id)?.controller.abort(new TfError('RUN_CANCELLED', message, { details: { runId: id } }));
    return run;
  }

  const service: RunServiceHandle = {
    async submit(req: RunRequest) {
      const subjectKey = subjectKeyOf(req.source);
      const { run, created } = await store.create({ id: newId(), request: req, subjectKey, createdAt: iso() });
      if (!created) return { run, created };
      events.emit({ type: 'created', run });
      const older = (await store.list({ subjectKey, status: ACTIVE, limit: 1000 })).filter((r) => r.id !== run.id);
      for (const old of older) {
        if (await cancelRun(old.id, 'superseded', `superseded by run ${run.id}`, run.id)) log.info({ runId: old.id, by: run.id }, 'run superseded');
      }
      void pump();
      return { run, created };
    },
    get: (id) => store.get(id),
    list: (filter) => store.list(filter),
    async cancel(id, reason) {
      return (await cancelRun(id, 'cancelled', reason)) ?? store.get(id);
    },
    async rerun(id, trigger) {
      const previous = await store.get(id);
      if (!previous) throw new TfError('RUN_NOT_FOUND', `no run ${id}`, { details: { runId: id } });
      const key = `rerun:${id}:${trigger.deliveryId ?? newId()}`;
      const { run } = await service.submit({ ...previous.request, trigger, idempotencyKey: key });
      return run;
    },
    subscribe: (listener) => events.subscribe(listener),
    async start() {
      if (started) return;
      const recovered = await recoverRuns(store, log, now);
      for (const id of recovered.failed) {
        const run = await store.get(id);
        if (run) events.emit({ type: 'finished', run });
      }
      started = true;
      stopped = false;
      await pump();
    },
    async stop(stopOpts = {}) {
      stopped = true;
      if (stopOpts.abort) for (const f of inFlight.values()) f.controller.abort(new TfError('RUN_CANCELLED', SHUTDOWN));
      await Promise.all([...inFlight.values()].map((f) => f.done));
      await pumping;
      started = false;
    },
    async idle() {
      for (;;) {
        await pump();
        if (inFlight.size === 0) return;
        await Promise.race([...inFlight.values()].map((f) => f.done));
      }
    },
  };
  return service;
}
