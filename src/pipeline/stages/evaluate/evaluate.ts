import type { EvaluationSettings } from '../../../config/run-settings.js';
import type { GraderGuard } from '../../../languages/static-check-types.js';
import type { LanguageProfile } from '../../../languages/types.js';
import { reuseContainers } from '../../../sandbox/reuse-containers.js';
import type { CandidateFile, EvaluateResult, IngestResult, StageContext } from '../../types.js';
import { prepareEvalTrees } from './eval-tree.js';
import { gradeProject } from './grade-project.js';
import { judgeCandidates, judgeContext, worthJudging } from './judge-test.js';
import type { PreparedPackages } from './run-grader.js';
import { candidatesFor, changedRangesFor } from './select.js';
import { projectsNote } from './projects-note.js';
import { settledFilesOf, staticOutcomesFor, type StaticChecker } from './static-outcomes.js';
import { buildTestRows, fileRow, refusedRow, type TestRow } from './test-rows.js';
import { decideVerdict, SETTLED_REASON } from './verdict.js';
import { pluginForProfile } from '../../../languages/registry.js';

export type { StaticChecker } from './static-outcomes.js';
export type { StaticCheckOutcome } from '../../../languages/static-check-types.js';

/** What the evaluation does: the run's resolved `settings.evaluation` (config/run-settings.ts). */
export type EvaluateOptions = EvaluationSettings;

export interface EvaluateDeps {
  /** The static checks of a candidate that brings none (a provided file). */
  staticChecks: StaticChecker;
  /**
   * The same checks without the sandbox's hallucination guard, fast enough to run before the grader:
   * files they reject whole are graded once on head only (settledFiles). Absent: none is settled.
   */
  quickStaticChecks?: StaticChecker;
  /** Runner image of a profile's grader. */
  imageFor: (profile: LanguageProfile) => Promise<string>;
  /**
   * Dependencies of a profile's project (npm ci / pip in the prepare step, or a local run's own
   * node_modules), mounted read-only; undefined when the project needs none. Throws PREPARE_FAILED.
   */
  packagesFor?: (profile: LanguageProfile, headDir: string, ctx: StageContext) => Promise<PreparedPackages | undefined>;
}

function emptyResult(): EvaluateResult {
  return { tests: [], sources: {}, languages: {}, notes: [], stats: { containers: 0, executions: 0, necessaryMs: 0, mutants: 0, graderMs: 0, mutationMs: 0 } };
}

/**
 * The evaluate stage: grade every test function of every candidate. Per language project: the
 * static checks' outcome (computed once per candidate), one grader container for everything it
 * measures, the judge for tests that passed, then the verdict rules. An infrastructure failure
 * turns into `error` verdicts, never accepts.
 */
export async function evaluateCandidates(
  ctx: StageContext,
  ingest: IngestResult,
  candidates: CandidateFile[],
  options: EvaluateOptions,
  deps: EvaluateDeps,
): Promise<EvaluateResult> {
  const out = emptyResult();
  // One container per distinct spec for the whole stage: the static checks of all candidates share one.
  const sandbox = reuseContainers(ctx.ports.sandbox);
  const trees = await prepareEvalTrees({
    workspaceDir: ingest.workspaceDir,
    ...(options.failToPass ? { baseSha: ingest.diff.mergeBaseSha || ingest.baseSha } : {}),
    candidates,
    profiles: ingest.profiles,
    git: ctx.ports.git,
  });
  out.notes.push(...trees.notes);
  // Every graded file with its test rows, judged together once all are graded.
  const graded: Array<{ candidate: CandidateFile; rows: TestRow[]; fileRow?: EvaluateResult['tests'][number] }> = [];
  try {
    let done = 0;
    ctx.progress('evaluate', 0, candidates.length);
    for (const candidate of candidates) {
      const why = trees.refused.get(candidate.path);
      if (why === undefined) continue;
      out.tests.push(refusedRow(candidate, why));
      out.notes.push(`${candidate.path} was not graded: ${why}.`);
      ctx.progress('evaluate', ++done, candidates.length);
    }
    const placed = candidates.filter((c) => !trees.refused.has(c.path));
    const several = projectsNote(ingest.profiles.filter((p) => candidatesFor(p, placed).length > 0));
    if (several) out.notes.push(several);
    for (const profile of ingest.profiles) {
      const mine = candidatesFor(profile, placed);
      if (mine.length === 0) continue;
      const image = await deps.imageFor(profile);
      const changedRanges = changedRangesFor(ingest.diff, profile, mine);
      const language = profile.language;
      if (Object.keys(changedRanges).length === 0) out.notes.push(`No changed ${language} source lines under ${profile.root || '.'}: coverage and mutation have nothing to measure.`);
      // The static checks run beside the grader; their hallucination guard needs a container of its
      // own (Python's), side by side with the grader's, which is not free: on two cores the grader is
      // CPU-bound, and the TS guard's container cost 1.0-1.4 s of ts-kills' 5-6 s stage. So a grader
      // that runs the TS/JS guard itself (Grader.guards) does so for the files the static checks check
      // here, before its tests run: they take its answer and start no container for it.
      // The grader settles (never throws but on cancel) before a static-check failure is thrown.
      const guardsInGrader = pluginForProfile(profile).grader.guards === true;
      const guardFiles = guardsInGrader ? mine.filter((c) => !c.checks).map((c) => c.path) : [];
      let answerGuard: (guard: GraderGuard | undefined) => void = () => undefined;
      const guardBatch = guardFiles.length > 0 ? new Promise<GraderGuard | undefined>((resolve) => { answerGuard = resolve; }) : undefined;
      const statics = staticOutcomesFor(mine, ingest.spec.spec.acs, deps.staticChecks, { image, workspace: trees.headDir, sandbox, ...(guardBatch ? { guardBatch } : {}) })
        .then((value) => ({ value }), (error: unknown) => ({ error }));
      // Wall time by phase here (settle, grader, staticsAfterGrader), beside the graders' own phases.
      const phase = (name: string, since: number): void => {
        (out.stats.phasesMs ??= {})[name] = (out.stats.phasesMs[name] ?? 0) + Date.now() - since;
      };
      let since = Date.now();
      // Files the static checks already reject whole: their verdict is decided, so the grader runs
      // them once on head and no further (when it can: Grader.settlesFiles).
      const settled = deps.quickStaticChecks && pluginForProfile(profile).grader.settlesFiles
        ? await settledFilesOf(mine, ingest.spec.spec.acs, deps.quickStaticChecks, { image, workspace: trees.headDir, sandbox })
        : new Set<string>();
      phase('settle', since);
      since = Date.now();
      let grade: Awaited<ReturnType<typeof gradeProject>>;
      try {
        grade = await gradeProject({ ctx, sandbox, image, profile, trees, candidates: mine, changedRanges, options, settledFiles: [...settled], guardFiles, ...(deps.packagesFor ? { prepare: deps.packagesFor } : {}) });
        answerGuard(grade.result?.guard);
      } finally {
        // Without the grader's answer (it failed, or gave none) the guard runs in its own container.
        // (A promise keeps its first answer: this one only counts when there was none.)
        answerGuard(undefined);
      }
      phase('grader', since);
      since = Date.now();
      const checked = await statics;
      phase('staticsAfterGrader', since);
      if ('error' in checked) throw checked.error;
      const outcomes = checked.value;
      out.stats.graderMs += grade.ms;
      if (grade.result) {
        out.stats.executions += grade.result.executions;
        out.stats.necessaryMs += grade.result.necessaryMs;
        out.stats.mutants += grade.result.mutants.length;
        out.stats.mutationMs = (out.stats.mutationMs ?? 0) + (grade.result.mutationMs ?? 0);
        for (const [name, ms] of Object.entries(grade.result.phasesMs ?? {})) (out.stats.phasesMs ??= {})[name] = (out.stats.phasesMs[name] ?? 0) + ms;
        for (const e of grade.result.errors) out.notes.push(`${language} grader: ${e}`);
      }
      for (const candidate of mine) {
        const outcome = outcomes.get(candidate.path) ?? { tests: [], fileFindings: [] };
        const rows = buildTestRows(candidate, outcome, grade.result, grade.infra, settled);
        graded.push({ candidate, rows, ...(rows.length === 0 ? { fileRow: fileRow(candidate, outcome, grade.infra) } : {}) });
        ctx.progress('evaluate', ++done, candidates.length);
      }
    }
    // A candidate no detected project takes (its language's projects are all elsewhere, or the change
    // touches no code of its language) is said, never dropped without a word.
    const taken = new Set(graded.map((g) => g.candidate.path));
    for (const candidate of placed.filter((c) => !taken.has(c.path))) {
      const roots = ingest.profiles.map((p) => `${p.language} at ${p.root || '.'}`).join(', ') || 'none';
      const why = `no project TFactory detected for the change takes it (projects: ${roots}); put the test under the project whose code it tests`;
      graded.push({ candidate, rows: [], fileRow: fileRow(candidate, { tests: [], fileFindings: [] }, why) });
      out.notes.push(`${candidate.path} was not graded: ${why}.`);
      ctx.progress('evaluate', ++done, candidates.length);
    }
    // The judge, once every file is graded: the tests every other signal accepts (none asked about the
    // others), as many files per call as fit its budget, so a run usually costs one judge call.
    if (options.judge && ctx.ports.llm) {
      const items = graded.map(({ candidate, rows }) => ({ candidate, rows: rows.filter((row) => worthJudging(row, options.mutation)) }));
      if (items.some((i) => i.rows.length > 0)) {
        const j = await judgeCandidates(ctx.ports.llm, items, judgeContext(ingest), ctx.signal);
        out.notes.push(...j.notes);
      }
    }
    for (const { candidate, rows, fileRow: whole } of graded) {
      if (whole) out.tests.push(whole);
      for (const row of rows) {
        const decided = decideVerdict({ signals: row.signals, findings: row.findings, infraErrors: row.infraErrors, mutationEnabled: options.mutation, ...(row.measured?.onBase ? { onBase: row.measured.onBase } : {}) });
        const { verdict } = decided;
        const reasons = row.settled && verdict === 'reject' ? [...decided.reasons, SETTLED_REASON] : decided.reasons;
        out.tests.push({
          id: row.id, file: candidate.path, name: row.name, verdict, reasons, signals: row.signals, acIds: candidate.acIds,
          ...(row.statics?.line ? { line: row.statics.line } : {}),
          ...(candidate.subtaskId ? { subtaskId: candidate.subtaskId } : {}), origin: candidate.origin,
        });
        out.sources[row.id] = row.statics?.source ?? '';
        out.languages[row.id] = candidate.language;
      }
    }
  } finally {
    out.stats.containers = sandbox.containersStarted();
    await sandbox.close();
    await trees.dispose();
  }
  return out;
}
