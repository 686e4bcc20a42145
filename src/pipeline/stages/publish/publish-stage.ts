import type { PublishStage } from '../types.js';
import { selectCommittable } from './committable.js';

/** 6. publish: hand the provable tests and the report to the run's publisher (GitHub or local). */
export function createPublishStage(): PublishStage {
  return async (ctx, report, generated) => {
    const { files, leftOut } = selectCommittable(report, generated.candidates, ctx.run.request.settings);
    const result = await ctx.ports.publisher.publish(ctx.run, report, files);
    return { ...(result.commitSha ? { commitSha: result.commitSha } : {}), notes: [...leftOut, ...result.notes] };
  };
}
