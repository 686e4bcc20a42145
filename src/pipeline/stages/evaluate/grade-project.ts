import { describeError } from '../../../errors.js';
import type { EvaluationSettings } from '../../../config/run-settings.js';
import type { LanguageProfile, GraderResult } from '../../../languages/types.js';
import type { SandboxPort } from '../../../sandbox/port.js';
import type { CandidateFile, StageContext } from '../../types.js';
import type { EvalTrees } from './eval-tree.js';
import { graderTimeoutMs } from './grader-timeout.js';
import { runGrader, type PreparedPackages } from './run-grader.js';

export interface ProjectGrade {
  /** What the grader measured; absent when it could not run. */
  result?: GraderResult;
  /** Why it could not run (dependencies, sandbox, no result): every test of the project is then an error. */
  infra?: string;
  ms: number;
}

/**
 * One project's candidates through its language's grader, in ONE container: head runs, stability,
 * coverage, mutants and the base run happen inside. A failure is a value (`infra`), never a throw,
 * unless the run was cancelled.
 */
export async function gradeProject(input: {
  ctx: StageContext;
  sandbox: SandboxPort;
  image: string;
  profile: LanguageProfile;
  trees: EvalTrees;
  candidates: CandidateFile[];
  changedRanges: Record<string, Array<{ start: number; end: number }>>;
  options: EvaluationSettings;
  /** Candidate files the static checks already reject whole (GraderInput.settledFiles). */
  settledFiles?: string[];
  /** Candidate files whose hallucination guard the grader runs itself (GraderInput.guardFiles). */
  guardFiles?: string[];
  prepare?: (profile: LanguageProfile, headDir: string, ctx: StageContext) => Promise<PreparedPackages | undefined>;
}): Promise<ProjectGrade> {
  const { ctx, options, profile, trees } = input;
  const t0 = Date.now();
  try {
    const prepared = input.prepare ? await input.prepare(profile, trees.headDir, ctx) : undefined;
    const graded = await runGrader({
      sandbox: input.sandbox, image: input.image, profile, headDir: trees.headDir,
      ...(trees.baseDir ? { baseDir: trees.baseDir } : {}),
      ...(prepared ? { deps: prepared } : {}),
      input: {
        projectRoot: profile.root, candidateFiles: input.candidates.map((c) => c.path), suiteFiles: [], changedRanges: input.changedRanges,
        stabilityRuns: options.stabilityRuns, seed: options.seed, perTestTimeoutMs: options.perTestTimeoutMs,
        mutation: options.mutation, maxMutants: options.maxMutants,
        ...(input.settledFiles && input.settledFiles.length > 0 ? { settledFiles: input.settledFiles } : {}),
        ...(input.guardFiles && input.guardFiles.length > 0 ? { guardFiles: input.guardFiles } : {}),
      },
      timeoutMs: graderTimeoutMs(options, input.candidates.length * 4),
      runId: ctx.run.id,
      signal: ctx.signal,
    });
    // What the grader could not do (a runner that died, with its exit code and last output; an
    // unsupported runner version) is in the report's notes, and in the log.
    if (graded.result.errors.length > 0) ctx.log.warn({ language: profile.language, errors: graded.result.errors }, 'grader reported errors');
    return { result: graded.result, ms: Date.now() - t0 };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const infra = describeError(err);
    ctx.log.error({ err: infra, language: profile.language }, 'grader failed');
    return { infra, ms: Date.now() - t0 };
  }
}
