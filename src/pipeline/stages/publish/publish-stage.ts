import type { Publication, PublicationTarget } from '../../../report/types.js';
import { withPublication } from '../../../report/publication.js';
import type { Run } from '../../../runs/types.js';
import type { PublishStage } from '../types.js';
import type { PublishOutcome } from '../../types.js';
import { planPublication } from './prune-files.js';
import { verifyPrunedFiles, type VerifyDeps } from './verify-pruned.js';

export type { VerifyDeps } from './verify-pruned.js';

/** Where the publisher put the files, from what it says (its own location, else its commit on the run's branch). */
function targetOf(run: Run, outcome: PublishOutcome, fileCount: number): PublicationTarget {
  if (outcome.location) return outcome.location;
  const src = run.request.source;
  if (outcome.commitSha) {
    return src.kind === 'github'
      ? { kind: 'commit', commitSha: outcome.commitSha, branch: src.headRef, repository: `${src.owner}/${src.repo}` }
      : { kind: 'commit', commitSha: outcome.commitSha };
  }
  if (fileCount === 0) return { kind: 'none', reason: 'no test was accepted' };
  return { kind: 'none', reason: outcome.notes.join(' ') || 'the publisher wrote nothing' };
}

/**
 * 6. publish: the tests to publish, test function by test function (a file holding tests that
 * were not accepted is cut down to the accepted ones and run once more in the sandbox, on the PR
 * head, before it goes out), handed with the report to the run's publisher (GitHub or local). The
 * result's `publication` says what was written or committed, where, and which accepted tests were
 * left out and why.
 */
export function createPublishStage(deps: VerifyDeps): PublishStage {
  return async (ctx, report, generated, ingest) => {
    const settings = ctx.run.request.settings;
    const plan = planPublication(report, generated.candidates, settings);
    const failed = await verifyPrunedFiles(ctx, ingest, plan.files, settings.evaluation, deps);
    const leftOut = [...plan.leftOut];
    const files = plan.files.filter((f) => {
      const why = failed.get(f.file.path);
      if (why !== undefined) for (const t of f.tests) leftOut.push({ test: t.id, reason: `its file ${why}` });
      return why === undefined;
    });
    const listed = files.map((f) => ({ path: f.file.path, tests: f.tests.map((t) => t.id), pruned: f.pruned }));
    const src = ctx.run.request.source;
    const pending: Publication = { target: { kind: 'pending', ...(src.kind === 'github' ? { branch: src.headRef } : {}) }, files: listed, leftOut };
    const outcome = await ctx.ports.publisher.publish(ctx.run, withPublication(report, pending), files.map((f) => f.file));
    const publication: Publication = { target: targetOf(ctx.run, outcome, files.length), files: listed, leftOut };
    ctx.log.info({ files: listed.length, leftOut: leftOut.length, target: publication.target.kind }, 'tests published');
    return { ...(outcome.commitSha ? { commitSha: outcome.commitSha } : {}), notes: outcome.notes, publication };
  };
}
