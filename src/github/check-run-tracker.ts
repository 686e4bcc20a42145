import type { Run } from '../runs/types.js';
import { findCheckRunForRun, type CheckRunRef } from './check-run.js';
import type { Octokit } from './octokit.js';
import { KeyedLock } from './keyed-lock.js';

/** Where a run's check run is: created queued, in progress, completed (final). */
export type CheckRunState = 'queued' | 'in_progress' | 'completed';

/** Completed runs remembered so late updates are dropped (enough for any burst; oldest forgotten first). */
const COMPLETED_MEMORY = 10_000;

/**
 * The check run of each run, as a state machine: created `queued` at submission, `in_progress`
 * only while not completed, `completed` once and for good. Every operation on one run's check run
 * (create, progress, completion) goes through `exclusive`, one after the other, so a completion can
 * never be overtaken by a progress update sent earlier, nor a creation by the completion of a run
 * that ended first. The check run's `external_id` is the run id, so after a restart it is found
 * again on the head commit.
 */
export class CheckRunTracker {
  readonly #byRun = new Map<string, { ref: CheckRunRef; state: CheckRunState }>();
  readonly #completed = new Set<string>();
  readonly #lock = new KeyedLock();

  /** Runs `fn` after every earlier operation on this run's check run has finished. */
  exclusive<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(runId, fn);
  }

  remember(runId: string, ref: CheckRunRef, state: CheckRunState = 'queued'): void {
    if (this.#completed.has(runId)) return;
    this.#byRun.set(runId, { ref, state });
  }

  /** Moves a known check run to `in_progress` (never out of `completed`). */
  markInProgress(runId: string): void {
    const known = this.#byRun.get(runId);
    if (known && known.state === 'queued') known.state = 'in_progress';
  }

  /** The check run is completed: later updates of this run are dropped. */
  markCompleted(runId: string): void {
    this.#byRun.delete(runId);
    this.#completed.add(runId);
    if (this.#completed.size > COMPLETED_MEMORY) {
      const oldest = this.#completed.values().next().value;
      if (oldest !== undefined) this.#completed.delete(oldest);
    }
  }

  isCompleted(runId: string): boolean {
    return this.#completed.has(runId);
  }

  stateOf(runId: string): CheckRunState | undefined {
    return this.#completed.has(runId) ? 'completed' : this.#byRun.get(runId)?.state;
  }

  /** Same as markCompleted (kept for callers that only want to drop the reference). */
  forget(runId: string): void {
    this.markCompleted(runId);
  }

  /** The run's check run, from memory or found on the head commit; undefined when there is none or it is completed. */
  async resolve(octokit: Octokit, run: Run): Promise<CheckRunRef | undefined> {
    if (this.#completed.has(run.id)) return undefined;
    const known = this.#byRun.get(run.id);
    if (known) return known.ref;
    const src = run.request.source;
    if (src.kind !== 'github') return undefined;
    const found = await findCheckRunForRun(octokit, { owner: src.owner, repo: src.repo, headSha: src.headSha, runId: run.id });
    if (!found) return undefined;
    const ref: CheckRunRef = { owner: found.owner, repo: found.repo, checkRunId: found.checkRunId };
    if (found.completed) {
      this.markCompleted(run.id);
      return undefined;
    }
    this.remember(run.id, ref, 'in_progress');
    return ref;
  }
}
