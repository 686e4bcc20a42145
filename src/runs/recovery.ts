import type { Logger } from '../logger.js';
import type { RunStore } from './store.js';
import type { Run, StageName } from './types.js';

export interface RecoveryResult {
  resumed: string[];
  failed: string[];
}

/** The stage a crashed run was in: the running one, else the first that had not finished. */
export function crashedStage(run: Run): StageName | undefined {
  const running = run.stages.find((s) => s.status === 'running');
  if (running) return running.name;
  return run.stages.find((s) => s.status === 'pending' || s.status === 'failed')?.name;
}

/**
 * At worker start: runs left `running` by a dead worker are queued again to resume from their
 * last finished stage, once; a run that already was resumed fails with a reason. Queued runs stay
 * queued (the store is the queue). Assumes one worker process per store (the embedded default).
 */
export async function recoverRuns(store: RunStore, log: Logger, now: () => Date): Promise<RecoveryResult> {
  const result: RecoveryResult = { resumed: [], failed: [] };
  const stale = await store.list({ status: ['running'], limit: 10_000 });
  for (const run of stale) {
    const stage = crashedStage(run);
    const at = now().toISOString();
    if (run.resumes >= 1) {
      const message = `worker crashed twice during stage ${stage ?? 'unknown'}`;
      if (stage) await store.recordStage(run.id, { name: stage, status: 'failed', finishedAt: at, error: { code: 'INTERNAL', message } }, at);
      const failed = await store.update(run.id, { status: 'failed', error: { code: 'INTERNAL', message }, finishedAt: at }, { ifStatus: ['running'], at });
      if (failed) result.failed.push(run.id);
      log.warn({ runId: run.id, stage }, 'run failed: worker crashed twice');
      continue;
    }
    if (stage && run.stages.find((s) => s.name === stage)?.status === 'running') {
      await store.recordStage(run.id, { name: stage, status: 'pending', note: 'interrupted by a worker crash; resumed' }, at);
    }
    const queued = await store.update(run.id, { status: 'queued', resumes: run.resumes + 1 }, { ifStatus: ['running'], at });
    if (queued) result.resumed.push(run.id);
    log.info({ runId: run.id, stage }, 'run resumes after a worker crash');
  }
  return result;
}
