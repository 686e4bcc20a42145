import type { Run } from '../runs/types.js';
import { findCheckRunForRun, type CheckRunRef } from './check-run.js';
import type { Octokit } from './octokit.js';

/**
 * Remembers which check run belongs to which run. The check run's `external_id` is the run id,
 * so after a restart the tracker finds it again on the head commit.
 */
export class CheckRunTracker {
  readonly #byRun = new Map<string, CheckRunRef>();

  remember(runId: string, ref: CheckRunRef): void {
    this.#byRun.set(runId, ref);
  }

  forget(runId: string): void {
    this.#byRun.delete(runId);
  }

  async resolve(octokit: Octokit, run: Run): Promise<CheckRunRef | undefined> {
    const known = this.#byRun.get(run.id);
    if (known) return known;
    const src = run.request.source;
    if (src.kind !== 'github') return undefined;
    const found = await findCheckRunForRun(octokit, { owner: src.owner, repo: src.repo, headSha: src.headSha, runId: run.id });
    if (found) this.#byRun.set(run.id, found);
    return found;
  }
}
