import type { Logger } from '../logger.js';
import type { Run, RunEvent, RunService, StageName } from '../runs/types.js';
import { buildEndedOutput } from './check-output.js';
import { completeCheckRun, createCompletedCheckRun, updateCheckRunProgress } from './check-run.js';
import type { CheckRunTracker } from './check-run-tracker.js';
import type { InstallationAuth } from './octokit.js';
import { renderFailureComment, upsertReportComment } from './pr-comment.js';
import { createKeyedThrottle, type Schedule } from './throttle.js';

export interface CheckRunProgressDeps {
  auth: InstallationAuth;
  tracker: CheckRunTracker;
  log: Logger;
  /** At most one progress update per run in this interval (a trailing one carries the latest state). */
  minIntervalMs?: number;
  now?: () => number;
  schedule?: Schedule;
}

export interface CheckRunProgress {
  /** Throttled: puts the current stage (and its progress) in the check run's summary. */
  update(run: Run, stage?: StageName): void;
  /** Drops pending progress updates of a run and waits for those in flight. */
  settle(runId: string): Promise<void>;
  /** Completes the check run of a run that ended without a report (failed, cancelled, superseded). */
  end(run: Run): Promise<void>;
  /** Follows a RunService's events; returns the unsubscribe function. */
  watch(runs: RunService): () => void;
}

interface Snapshot {
  run: Run;
  stage: StageName | undefined;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'superseded']);

function signature(s: Snapshot): string {
  const record = s.run.stages.find((r) => r.name === s.stage);
  return `${s.stage ?? ''}:${record?.status ?? ''}:${record?.progress?.done ?? ''}/${record?.progress?.total ?? ''}`;
}

export function createCheckRunProgress(deps: CheckRunProgressDeps): CheckRunProgress {
  const throttle = createKeyedThrottle<Snapshot>({
    minIntervalMs: deps.minIntervalMs ?? 5_000,
    sameAs: (a, b) => signature(a) === signature(b),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
    send: (_key, snap) =>
      deps.tracker.exclusive(snap.run.id, async () => {
        const src = snap.run.request.source;
        // Progress only while not completed: a late update never re-opens a completed check run.
        if (src.kind !== 'github' || deps.tracker.isCompleted(snap.run.id)) return;
        try {
          const octokit = await deps.auth(src.installationId);
          const ref = await deps.tracker.resolve(octokit, snap.run);
          if (!ref) return;
          await updateCheckRunProgress(octokit, ref, snap.run, snap.stage);
          deps.tracker.markInProgress(snap.run.id);
        } catch (err) {
          deps.log.warn({ runId: snap.run.id, err }, 'check run progress update failed');
        }
      }),
  });

  const progress: CheckRunProgress = {
    update(run, stage) {
      if (run.request.source.kind !== 'github' || deps.tracker.isCompleted(run.id) || FINAL.has(run.status)) return;
      throttle.push(run.id, { run, stage });
    },
    settle: (runId) => throttle.stop(runId),
    async end(run) {
      const src = run.request.source;
      if (src.kind !== 'github') return;
      await throttle.stop(run.id);
      await deps.tracker.exclusive(run.id, async () => {
        if (deps.tracker.isCompleted(run.id)) return;
        try {
          const octokit = await deps.auth(src.installationId);
          const conclusion = run.status === 'failed' ? 'failure' : 'cancelled';
          const output = buildEndedOutput(run);
          const ref = await deps.tracker.resolve(octokit, run);
          if (ref) await completeCheckRun(octokit, ref, { conclusion, output, annotations: [] });
          // Ended before its check run existed (or it was lost): the PR still gets a completed one saying why.
          else if (!deps.tracker.isCompleted(run.id)) await createCompletedCheckRun(octokit, { owner: src.owner, repo: src.repo, headSha: src.headSha, externalId: run.id }, conclusion, output);
          deps.tracker.markCompleted(run.id);
          // A failure is said where the PR's people look: the PR comment (what failed, how to retry).
          const failure = run.status === 'failed' ? renderFailureComment(run) : undefined;
          if (failure) await upsertReportComment(octokit, { owner: src.owner, repo: src.repo, issueNumber: src.pullNumber }, failure);
        } catch (err) {
          deps.log.warn({ runId: run.id, err }, 'check run completion failed');
        }
      });
    },
    watch(runs) {
      return runs.subscribe((event: RunEvent) => {
        if (event.type === 'stage' || event.type === 'progress') progress.update(event.run, event.stage);
        // A succeeded run's check run is completed by the publisher, with the report.
        else if (event.type === 'finished' && event.run.status !== 'succeeded') void progress.end(event.run);
      });
    },
  };
  return progress;
}
