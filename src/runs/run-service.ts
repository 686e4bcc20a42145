import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { TfError, isTfError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createRunEvents } from './events.js';
import type { ExecutorContext, RunExecutor } from './executor.js';
import { DEFAULT_LEASE_MS, leaseFor, newLeaseOwner } from './lease.js';
import type { DeadLetter, RunQueue } from './queue/port.js';
import { recoverExpiredLeases, resetRunningStage } from './recovery.js';
import type { RunStore, StageUpdate } from './store.js';
import { subjectKeyOf } from './subject.js';
import type { Run, RunRequest, RunService, RunStatus } from './types.js';

/**
 * `queue` (the App, `tfactory worker`): takes any queued run, and takes over runs whose lease expired.
 * `own` (a CLI command): carries out only the runs it submits or resumes, never another's.
 */
export type RunServiceMode = 'queue' | 'own';

export interface RunServiceOptions {
  store: RunStore;
  executor: RunExecutor;
  /** Runs carried out at once; default `os.availableParallelism()`. */
  concurrency?: number;
  log: Logger;
  now?: () => Date;
  newId?: () => string;
  /** Default `queue`. */
  mode?: RunServiceMode;
  /** How long a lease lasts without a heartbeat (renewed every third of it); default 30 s. */
  leaseMs?: number;
  /** This process's lease owner id; default a new one (runs/lease.ts). */
  owner?: string;
  /**
   * A queue that hands runs to workers (BullMQ on Redis, see ./queue/): submitted runs are enqueued
   * there instead of taken from the store. Without it the store is the queue (the embedded default).
   */
  queue?: RunQueue;
  /** With a queue: whether this service carries out runs (`tfactory worker`) or only submits them (the App). Default true. */
  consume?: boolean;
}

export interface RunServiceHandle extends RunService {
  /** The lease owner id of this service. */
  readonly owner: string;
  /** Acts on runs whose lease expired (runs/recovery.ts), then starts taking queued runs (`queue` mode). */
  start(): Promise<void>;
  /**
   * Stops taking runs and waits for those in flight; `abort` interrupts them: a `queue` service hands
   * them back to the queue, an `own` service marks them `interrupted` (resumable). Leases are released.
   */
  stop(opts?: { abort?: boolean }): Promise<void>;
  /** Resolves once nothing is queued and nothing is in flight in this worker. */
  idle(): Promise<void>;
  /** The queue's counts and dead letters (with a queue), for `tfactory worker --status`. */
  queueStatus(): Promise<{ kind: RunQueue['kind'] | 'store'; counts?: Awaited<ReturnType<RunQueue['counts']>>; deadLetters: DeadLetter[] }>;
  /**
   * Carries on an interrupted run here (or a queued one, or a running one whose lease expired),
   * from its last finished stage. A run another live process owns is refused.
   */
  resume(id: string): Promise<Run>;
}

const ACTIVE: RunStatus[] = ['queued', 'running'];
const RESUMABLE: RunStatus[] = ['interrupted', 'queued', 'running'];
const SHUTDOWN = 'worker shutting down';

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/** The queue and worker over a RunStore: bounded concurrency, FIFO, leases, cancel, supersede, recovery. */
export function createRunService(opts: RunServiceOptions): RunServiceHandle {
  const { store, executor, log } = opts;
  const mode = opts.mode ?? 'queue';
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const now = opts.now ?? (() => new Date());
  const newId = opts.newId ?? randomUUID;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const owner = opts.owner ?? newLeaseOwner(mode === 'own' ? 'cli' : 'worker');
  const queue = mode === 'queue' ? opts.queue : undefined;
  const consume = opts.consume ?? true;
  const events = createRunEvents(log);
  const inFlight = new Map<string, InFlight>();
  let started = false;
  let stopped = false;
  let pumping: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const iso = (): string => now().toISOString();
  const lease = () => leaseFor(owner, now(), leaseMs);

  /** Moves an active run to a final status and releases its lease; emits `finished` only when this call made the change. */
  async function finish(id: string, status: RunStatus, extra: { error?: NonNullable<Run['error']>; supersededBy?: string } = {}, ifOwner?: string): Promise<Run | undefined> {
    const at = iso();
    const run = await store.update(id, { status, finishedAt: at, lease: null, ...extra }, { ifStatus: ACTIVE, at, ...(ifOwner ? { ifOwner } : {}) });
    if (run) events.emit({ type: 'finished', run });
    return run;
  }

  function pump(): Promise<void> {
    if (!started || stopped || mode === 'own' || queue) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        while (!stopped && inFlight.size < concurrency) {
          const run = await store.claimNext(iso(), lease());
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

  /** Renews the leases of the runs in flight; a run this process no longer owns (cancelled elsewhere, taken over) is aborted. */
  async function heartbeat(): Promise<void> {
    for (const [id, entry] of inFlight) {
      if (entry.controller.signal.aborted) continue;
      const renewed = await store.heartbeat(id, lease());
      if (renewed) continue;
      const run = await store.get(id);
      const message = run && run.status !== 'running' ? (run.error?.message ?? `run ${run.status}`) : 'lease lost: another process took the run over';
      log.warn({ runId: id, status: run?.status }, 'run no longer owned here: stopping it');
      entry.controller.abort(new TfError('RUN_CANCELLED', message, { details: { runId: id } }));
    }
  }

  async function recover(): Promise<void> {
    const recovered = await recoverExpiredLeases(store, log, now, { takeOver: mode === 'queue' });
    for (const id of [...recovered.failed, ...recovered.interrupted]) {
      const run = await store.get(id);
      if (run) events.emit({ type: 'finished', run });
    }
    if (recovered.resumed.length > 0) void pump();
  }

  /**
   * With a queue: every run the store has `queued` gets a job (keyed by its id, so a run that has one
   * waiting gets no second): runs recovered from a dead worker, handed back at shutdown, or whose
   * submission could not reach the queue.
   */
  async function enqueueStranded(): Promise<void> {
    if (!queue) return;
    for (const run of await store.list({ status: ['queued'], limit: 1000 })) await queue.enqueue(run.id, { key: run.id });
  }

  /** A job from the queue: claim the run if it is still queued, carry it out here, resolve when it ended. */
  async function processJob(runId: string): Promise<void> {
    const run = await store.get(runId);
    // Finished, cancelled, or running under a live lease (if its owner dies, recovery queues it again).
    if (!run || run.status !== 'queued') return;
    const at = iso();
    const claimed = await store.update(runId, { status: 'running', lease: lease(), ...(run.startedAt ? {} : { startedAt: at }) }, { ifStatus: ['queued'], at });
    if (!claimed) return;
    launch(claimed);
    await inFlight.get(runId)?.done;
  }

  /** Every attempt at a job failed (the store or the queue kept failing): the run fails, visibly, with why. */
  async function deadLettered(dead: DeadLetter): Promise<void> {
    const message = `dead-lettered after ${dead.attempts} attempts: ${dead.error}`;
    const run = await finish(dead.runId, 'failed', { error: { code: 'RUN_DEAD_LETTERED', message } });
    log.error({ runId: dead.runId, attempts: dead.attempts }, 'run dead-lettered');
    if (!run) log.warn({ runId: dead.runId }, 'dead-lettered run was already finished');
  }

  function tick(): void {
    if (ticking) return;
    ticking = (async () => {
      await heartbeat();
      if (mode === 'queue' && !stopped) {
        await recover();
        await pump(); // runs other processes queued in a shared store
        await enqueueStranded();
      }
    })()
      .catch((err: unknown) => log.warn({ err }, 'lease heartbeat failed'))
      .finally(() => {
        ticking = undefined;
      });
  }

  async function execute(claimed: Run, controller: AbortController): Promise<void> {
    const runLog = log.child({ runId: claimed.id });
    const current = await store.get(claimed.id);
    if (!current || current.status !== 'running' || current.lease?.owner !== owner) return; // cancelled between claim and launch
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
    runLog.info({ resumes: current.resumes, resumeFrom: Object.keys(ctx.resumeFrom), owner }, 'run started');
    try {
      const outcome = await Promise.resolve().then(() => executor(current, ctx));
      if (outcome.report) await store.update(claimed.id, { report: outcome.report }, { at: iso(), ifOwner: owner });
      await finish(claimed.id, 'succeeded', {}, owner);
      runLog.info('run succeeded');
    } catch (err) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        if (reason instanceof TfError && reason.message === SHUTDOWN) await handBack(claimed.id, runLog);
        else await finish(claimed.id, 'cancelled', { error: { code: 'RUN_CANCELLED', message: reason instanceof Error ? reason.message : 'cancelled' } }, owner);
        runLog.info('run stopped by its abort signal');
        return;
      }
      const error = isTfError(err) ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      await finish(claimed.id, 'failed', { error }, owner);
      runLog.warn({ err }, 'run failed');
    }
  }

  /** A run stopped by shutdown: back to the queue (`queue`), or `interrupted` (`own`); the lease is released. */
  async function handBack(id: string, runLog: Logger): Promise<void> {
    const at = iso();
    const interrupted = mode === 'own';
    const patch = interrupted
      ? { status: 'interrupted' as const, lease: null, finishedAt: at, error: { code: 'RUN_INTERRUPTED', message: 'interrupted by a signal; resume with `tfactory run --resume <run id>`' } }
      : { status: 'queued' as const, lease: null }; // with a queue, a live process's tick gives it a job again
    const run = await store.update(id, patch, { ifStatus: ['running'], ifOwner: owner, at });
    if (!run) return;
    await resetRunningStage(store, run, interrupted ? 'interrupted; resumes here' : 'handed back at shutdown; resumes here', at);
    if (interrupted) events.emit({ type: 'finished', run: (await store.get(id)) ?? run });
    runLog.info({ status: run.status }, interrupted ? 'run interrupted' : 'run handed back to the queue');
  }

  async function cancelRun(id: string, status: 'cancelled' | 'superseded', message: string, supersededBy?: string): Promise<Run | undefined> {
    const run = await finish(id, status, { error: { code: 'RUN_CANCELLED', message }, ...(supersededBy ? { supersededBy } : {}) });
    if (run) inFlight.get(id)?.controller.abort(new TfError('RUN_CANCELLED', message, { details: { runId: id } }));
    return run;
  }

  const service: RunServiceHandle = {
    owner,
    async submit(req: RunRequest) {
      const subjectKey = subjectKeyOf(req.source);
      // An `own` service (a CLI command) records its run already running under its lease: no worker can take it.
      const { run, created } = await store.create({ id: newId(), request: req, subjectKey, createdAt: iso(), ...(mode === 'own' ? { lease: lease() } : {}) });
      if (!created) return { run, created };
      events.emit({ type: 'created', run });
      if (mode === 'own') {
        launch(run); // CLI runs of one repository do not supersede each other: each command asked for its own
        return { run, created };
      }
      const older = (await store.list({ subjectKey, status: ACTIVE, limit: 1000 })).filter((r) => r.id !== run.id && r.request.trigger.kind !== 'cli');
      for (const old of older) {
        if (await cancelRun(old.id, 'superseded', `superseded by run ${run.id}`, run.id)) log.info({ runId: old.id, by: run.id }, 'run superseded');
      }
      if (queue) {
        // Recorded first: a queue that cannot be reached now leaves it queued in the store, and a tick enqueues it later.
        await queue.enqueue(run.id, { key: run.id }).catch((err: unknown) => log.error({ err, runId: run.id }, 'run not enqueued yet: the queue did not answer'));
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
    async resume(id) {
      const run = await store.get(id);
      if (!run) throw new TfError('RUN_NOT_FOUND', `no run ${id}`, { details: { runId: id }, hint: 'list the runs with the MCP tool list_runs' });
      if (!RESUMABLE.includes(run.status)) {
        throw new TfError('USAGE', `run ${id} is ${run.status}: only an interrupted run can be resumed`, { hint: 'start a new run instead' });
      }
      const at = iso();
      const claimed = await store.update(
        id,
        { status: 'running', lease: lease(), resumes: run.resumes + 1, error: null, finishedAt: null, ...(run.startedAt ? {} : { startedAt: at }) },
        { ifStatus: RESUMABLE, ifLeaseExpiredAt: at, at },
      );
      if (!claimed) {
        throw new TfError('USAGE', `run ${id} is being carried out by another process (${run.lease?.owner ?? 'unknown'})`, {
          hint: 'wait for it to finish, or cancel it; a run whose process died can be resumed once its lease expires',
        });
      }
      await resetRunningStage(store, claimed, 'resumed', at);
      log.info({ runId: id, resumes: claimed.resumes }, 'run resumed');
      launch(claimed);
      return claimed;
    },
    subscribe: (listener) => events.subscribe(listener),
    async start() {
      if (started) return;
      await recover();
      started = true;
      stopped = false;
      timer = setInterval(tick, Math.max(50, Math.floor(leaseMs / 3)));
      timer.unref();
      if (queue) {
        await enqueueStranded();
        if (consume) await queue.consume((job) => processJob(job.runId), { concurrency, onDeadLetter: deadLettered });
      }
      await pump();
    },
    async stop(stopOpts = {}) {
      stopped = true;
      if (stopOpts.abort) for (const f of inFlight.values()) f.controller.abort(new TfError('RUN_CANCELLED', SHUTDOWN));
      await Promise.all([...inFlight.values()].map((f) => f.done));
      await queue?.close(); // a graceful close: the jobs of the runs just handed back complete first
      await pumping;
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
      started = false;
    },
    async queueStatus() {
      if (!queue) return { kind: 'store' as const, deadLetters: [] };
      return { kind: queue.kind, counts: await queue.counts(), deadLetters: await queue.deadLetters() };
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
