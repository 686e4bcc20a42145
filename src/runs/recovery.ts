import type { Logger } from '../logger.js';
import { leaseRole } from './lease.js';
import type { RunStore } from './store.js';
import type { Run, StageName } from './types.js';

export interface RecoveryResult {
  /** Queued again to resume from their last finished stage (a worker's run, first crash). */
  resumed: string[];
  /** Failed: their worker died twice. */
  failed: string[];
  /** Marked interrupted, resumable with `tfactory run --resume <id>` (a CLI command's run). */
  interrupted: string[];
}

/** The stage a crashed run was in: the running one, else the first that had not finished. */
export function crashedStage(run: Run): StageName | undefined {
  const running = run.stages.find((s) => s.status === 'running');
  if (running) return running.name;
  return run.stages.find((s) => s.status === 'pending' || s.status === 'failed')?.name;
}

/**
 * The stage a stopped attempt was in (left `running`, or failed by the abort itself) goes back to
 * `pending` with why; the outputs of finished stages stay.
 */
export async function resetRunningStage(store: RunStore, run: Run, note: string, at: string): Promise<void> {
  const running = run.stages.find((s) => s.status === 'running' || (s.status === 'failed' && s.error?.code === 'RUN_CANCELLED'));
  if (running) await store.recordStage(run.id, { name: running.name, status: 'pending', note }, at);
}

/**
 * Acts only on running runs whose lease expired (their process died without releasing it); a run
 * whose owner still renews its lease is never touched, whoever asks. Each is taken over at most
 * once: the change is a compare-and-set on the expired lease.
 *  - a CLI command's run (and, with `takeOver` off, a run from before leases) is marked `interrupted`;
 *  - with `takeOver` (the App, `tfactory worker`), a worker's run is queued again to resume from its
 *    last finished stage, once; a run whose worker already died once fails with a reason.
 * Without `takeOver` (a CLI command) a worker's run is left for the workers.
 */
export async function recoverExpiredLeases(store: RunStore, log: Logger, now: () => Date, opts: { takeOver: boolean }): Promise<RecoveryResult> {
  const result: RecoveryResult = { resumed: [], failed: [], interrupted: [] };
  const at = now().toISOString();
  for (const run of await store.expiredLeases(at)) {
    const role = leaseRole(run.lease?.owner);
    const stage = crashedStage(run);
    const cas = { ifStatus: ['running' as const], ifLeaseExpiredAt: at, ...(run.lease ? { ifOwner: run.lease.owner } : {}), at };
    if (role === 'cli' || (role === undefined && !opts.takeOver)) {
      const message = `interrupted: the process that ran it stopped during stage ${stage ?? 'unknown'}`;
      const done = await store.update(run.id, { status: 'interrupted', lease: null, error: { code: 'RUN_INTERRUPTED', message }, finishedAt: at }, cas);
      if (!done) continue;
      await resetRunningStage(store, run, 'interrupted; resumes here', at);
      result.interrupted.push(run.id);
      log.warn({ runId: run.id, stage }, 'run interrupted: its process stopped without releasing the lease');
      continue;
    }
    if (!opts.takeOver) continue;
    if (run.resumes >= 1) {
      const message = `worker crashed twice during stage ${stage ?? 'unknown'}`;
      const failed = await store.update(run.id, { status: 'failed', lease: null, error: { code: 'INTERNAL', message }, finishedAt: at }, cas);
      if (!failed) continue;
      if (stage) await store.recordStage(run.id, { name: stage, status: 'failed', finishedAt: at, error: { code: 'INTERNAL', message } }, at);
      result.failed.push(run.id);
      log.warn({ runId: run.id, stage }, 'run failed: worker crashed twice');
      continue;
    }
    const queued = await store.update(run.id, { status: 'queued', lease: null, resumes: run.resumes + 1 }, cas);
    if (!queued) continue;
    await resetRunningStage(store, run, 'interrupted by a worker crash; resumed', at);
    result.resumed.push(run.id);
    log.info({ runId: run.id, stage }, 'run resumes after a worker crash');
  }
  return result;
}
