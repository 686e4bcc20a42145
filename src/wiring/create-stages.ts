import type { Logger } from '../logger.js';
import type { LocalGitPort } from '../git/index.js';
import type { DockerSandbox } from '../sandbox/index.js';
import { requireRunnerImage } from '../sandbox/index.js';
import type { Language, LanguageProfile } from '../languages/types.js';
import { detectLanguages, profileForPath, runnerFor } from '../languages/registry.js';
import { runStaticChecksMany, createGuardRunner, toCheckOutcome } from '../languages/static-checks.js';
import { selectSpec } from '../criteria/index.js';
import type { ReadIssue } from '../criteria/derive/index.js';
import { createIngestStage } from '../pipeline/stages/ingest/ingest.js';
import { planTests, createReplanner } from '../pipeline/stages/plan/plan-tests.js';
import { generateTests } from '../pipeline/stages/generate/generate-tests.js';
import { createCollectStage } from '../pipeline/stages/collect/collect.js';
import { createEvaluateStage } from '../pipeline/stages/evaluate/evaluate-stage.js';
import type { StaticChecker } from '../pipeline/stages/evaluate/evaluate.js';
import { createTriageStage } from '../pipeline/stages/triage/triage-stage.js';
import { createPublishStage } from '../pipeline/stages/publish/publish-stage.js';
import type { Stages } from '../pipeline/stages/types.js';
import type { Run } from '../runs/types.js';
import { createPackagePreparer } from './project-packages.js';
import { reuseContainers } from '../sandbox/reuse-containers.js';

export interface StageDeps {
  git: LocalGitPort;
  sandbox: DockerSandbox;
  log: Logger;
  /** Installation token for a GitHub run's clone (GitHub App only). */
  githubToken?: (installationId: number) => Promise<string>;
  /** Reads a linked issue of a GitHub run's PR (criteria of a PR without a spec). */
  readIssue?: (installationId: number) => ReadIssue;
  /** Where GitHub runs clone from (default `https://github.com`). */
  gitBaseUrl?: string;
}

/** The real stage implementations, wired to the real ports (the composition root of the pipeline). */
export function createStages(deps: StageDeps): Stages {
  const imageFor = (language: Language): Promise<string> => requireRunnerImage(runnerFor(language), { engine: deps.sandbox.images });
  const staticChecks: StaticChecker = async (items, ctx) => {
    const results = await runStaticChecksMany(items, { sandbox: ctx.sandbox, image: ctx.image, workspace: ctx.workspace, ...(ctx.guardBatch ? { batch: ctx.guardBatch } : {}) });
    return results.map((result, i) => toCheckOutcome(result, items[i]?.candidate.content ?? ''));
  };
  // The same rules on the host alone (no sandbox, so no hallucination guard): what the evaluation
  // needs before the grader starts, to tell it which files are already rejected whole.
  const quickStaticChecks: StaticChecker = async (items, ctx) => {
    const results = await runStaticChecksMany(items, { image: ctx.image, workspace: ctx.workspace });
    return results.map((result, i) => toCheckOutcome(result, items[i]?.candidate.content ?? ''));
  };
  // The evaluate stage grades with these; the publish stage runs a file cut down to its accepted tests again with them.
  const grading = {
    imageFor: (profile: LanguageProfile) => imageFor(profile.language),
    packagesFor: createPackagePreparer({ sandbox: deps.sandbox, imageFor: (profile) => imageFor(profile.language) }),
  };
  const maxSubtasks = (run: Run): { maxSubtasks: number } => ({ maxSubtasks: run.request.settings.maxTests });
  return {
    ingest: createIngestStage({
      selectSpec,
      detectLanguages,
      ...(deps.githubToken ? { githubToken: deps.githubToken } : {}),
      ...(deps.readIssue ? { readIssue: deps.readIssue } : {}),
      ...(deps.gitBaseUrl ? { gitBaseUrl: deps.gitBaseUrl } : {}),
    }),
    plan: (ctx, ingest) => planTests(ctx, ingest, maxSubtasks(ctx.run)),
    generate: async (ctx, ingest, plan) => {
      // The guards of every generated test share one container per runner image.
      const sandbox = reuseContainers(deps.sandbox);
      try {
        return await generateTests(ctx, ingest, plan, {
          replan: createReplanner(ctx, ingest),
          guard: async (candidate, acs) => {
            const guard = createGuardRunner({
              sandbox,
              image: await imageFor(candidate.language),
              workspace: ingest.workspaceDir,
              projectRoot: profileForPath(ingest.profiles, candidate.language, candidate.path)?.root ?? '',
              signal: ctx.signal,
            });
            return guard(candidate, acs);
          },
        });
      } finally {
        await sandbox.close();
      }
    },
    collect: createCollectStage(),
    evaluate: createEvaluateStage({ staticChecks, quickStaticChecks, ...grading }),
    triage: createTriageStage(),
    publish: createPublishStage(grading),
  };
}
