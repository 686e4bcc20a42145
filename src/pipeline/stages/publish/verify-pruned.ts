import type { EvaluationSettings } from '../../../config/run-settings.js';
import type { LanguageProfile } from '../../../languages/types.js';
import { reuseContainers } from '../../../sandbox/reuse-containers.js';
import type { IngestResult, StageContext } from '../../types.js';
import { prepareEvalTrees } from '../evaluate/eval-tree.js';
import { gradeProject } from '../evaluate/grade-project.js';
import type { PreparedPackages } from '../evaluate/run-grader.js';
import { candidatesFor } from '../evaluate/select.js';
import type { FileToPublish } from './prune-files.js';

/** What the publish stage needs to run a pruned file again: the evaluate stage's runner images and packages. */
export interface VerifyDeps {
  imageFor: (profile: LanguageProfile) => Promise<string>;
  packagesFor?: (profile: LanguageProfile, headDir: string, ctx: StageContext) => Promise<PreparedPackages | undefined>;
}

/**
 * Runs each pruned file once more in the sandbox, on the PR head, before it is committed: cutting a
 * file can take away something a kept test needed. One grader container per project, every
 * pruned file of it at once, one run per test (no stability reruns, mutants or base run: those were
 * measured on the whole file). Returns, per pruned file's path, why it cannot be published (`its file …`); a file
 * that passes is absent. A grader that cannot run fails every file it held (never published unproven).
 */
export async function verifyPrunedFiles(ctx: StageContext, ingest: IngestResult, files: FileToPublish[], evaluation: EvaluationSettings, deps: VerifyDeps): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const pruned = files.filter((f) => f.pruned);
  if (pruned.length === 0) return failed;
  const candidates = pruned.map((f) => f.file);
  const sandbox = reuseContainers(ctx.ports.sandbox);
  const trees = await prepareEvalTrees({ workspaceDir: ingest.workspaceDir, candidates, profiles: ingest.profiles, git: ctx.ports.git });
  try {
    for (const [path, why] of trees.refused) failed.set(path, `was refused: ${why}`);
    const placed = candidates.filter((c) => !trees.refused.has(c.path));
    const options: EvaluationSettings = { ...evaluation, stabilityRuns: 1, mutation: false, failToPass: false };
    for (const profile of ingest.profiles) {
      const mine = candidatesFor(profile, placed);
      if (mine.length === 0) continue;
      const grade = await gradeProject({
        ctx, sandbox, image: await deps.imageFor(profile), profile, trees, candidates: mine, changedRanges: {}, options,
        ...(deps.packagesFor ? { prepare: deps.packagesFor } : {}),
      });
      for (const file of pruned.filter((f) => mine.includes(f.file))) {
        if (!grade.result) {
          failed.set(file.file.path, `could not be run again once cut down to the accepted tests (${grade.infra ?? 'the grader gave no result'})`);
          continue;
        }
        const problems = file.tests.flatMap((t) => {
          const ran = grade.result?.tests.find((g) => g.file === file.file.path && g.name === t.name);
          if (!ran) return [`${t.name} did not run`];
          const bad = ran.runs.find((r) => r.outcome !== 'passed');
          return bad || ran.runs.length === 0 ? [`${t.name} ${bad ? `${bad.outcome}${bad.message ? `: ${bad.message.split('\n')[0]?.slice(0, 200)}` : ''}` : 'did not run'}`] : [];
        });
        if (problems.length > 0) failed.set(file.file.path, `no longer passes once cut down to the accepted tests (${problems.join('; ')})`);
      }
    }
    for (const c of placed) if (!ingest.profiles.some((p) => candidatesFor(p, [c]).length > 0)) failed.set(c.path, 'could not be run again: no project of the change owns it');
  } finally {
    await sandbox.close();
    await trees.dispose();
  }
  return failed;
}
