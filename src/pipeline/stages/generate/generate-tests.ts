import { isTfError, TfError } from '../../../errors.js';
import { loadPrompt, type Prompt } from '../../../llm/prompts.js';
import type { AcceptanceCriterion } from '../../../criteria/types.js';
import type { StaticCheckOutcome } from '../../../languages/static-check-types.js';
import type { StuckSubtask } from '../../../report/types.js';
import type { CandidateFile, GenerateResult, IngestResult, StageContext, Subtask, TestPlan } from '../../types.js';
import { sharedRunContext } from '../plan/run-context.js';
import { findProfileForFile, workspaceFileExists } from '../plan/workspace-files.js';
import { buildGeneratePrompt, cleanTestContent, generatedTestSchema } from './generate-prompt.js';
import { chooseTestPath } from './test-file-name.js';

/** The guards (static checks, hallucination guard), written elsewhere and injected. */
export type GuardRunner = (candidate: CandidateFile, acs: AcceptanceCriterion[]) => Promise<{ decision: 'keep' | 'reject'; reasons: string[]; checks: StaticCheckOutcome }>;

/** One replacement for a rejected subtask (same id), e.g. createReplanner from the plan stage. */
export type ReplanFn = (subtask: Subtask, reason: string) => Promise<{ subtask?: Subtask }>;

export interface GenerateDeps {
  guard: GuardRunner;
  replan: ReplanFn;
  /** Replans per subtask before it is stuck (default 2: three attempts in all). */
  maxReplans?: number;
  prompt?: Prompt;
}

type Outcome = { kind: 'kept'; candidate: CandidateFile } | { kind: 'stuck'; stuck: StuckSubtask };

/**
 * The generate stage: one test file per subtask, checked by the guards. A rejected file sends its
 * subtask back to the planner with the reasons; after `maxReplans` replans, or when the run's model budget is
 * spent, the subtask is stuck: reported, never committed.
 */
export async function generateTests(ctx: StageContext, ingest: IngestResult, plan: TestPlan, deps: GenerateDeps): Promise<GenerateResult> {
  if (!ctx.ports.llm) throw new TfError('CONFIG_INVALID', 'generating tests needs a model, and this run has none');
  const llm = ctx.ports.llm;
  const prompt = deps.prompt ?? loadPrompt('generator');
  const maxReplans = deps.maxReplans ?? 2;
  // The same context as the planner's requests, byte for byte (plan/run-context.ts).
  const sharedContext = await sharedRunContext(ingest, ctx.ports.git);
  const assigned = new Set<string>();
  const taken = (path: string): boolean => assigned.has(path) || workspaceFileExists(ingest.workspaceDir, path);
  const state = { notes: [] as string[] };
  const result: GenerateResult = { candidates: [], stuck: [], promptVersion: prompt.version };

  let done = 0;
  for (const subtask of plan.subtasks) {
    if (ctx.signal.aborted) throw new TfError('RUN_CANCELLED', 'run cancelled during generation');
    const outcome = await generateOne(subtask);
    if (outcome.kind === 'kept') result.candidates.push(outcome.candidate);
    else result.stuck.push(outcome.stuck);
    ctx.progress('generate', ++done, plan.subtasks.length);
  }
  return { ...result, ...(state.notes.length ? { notes: state.notes } : {}) };

  async function generateOne(original: Subtask): Promise<Outcome> {
    let subtask = original;
    const reasons: string[] = [];
    const stuck = (why?: string): Outcome => ({
      kind: 'stuck',
      stuck: { subtaskId: original.id, target: subtask.target, acIds: subtask.acIds, reasons: why ? [...reasons, why] : reasons },
    });
    let path: string | undefined;
    let pathFor: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const file = subtask.target.split('::')[0] ?? '';
      const profile = findProfileForFile(ingest.profiles, file);
      if (!profile) return stuck(`no language profile covers ${file}`);
      if (!path || pathFor !== file) {
        path = chooseTestPath(profile, file, taken);
        pathFor = file;
        assigned.add(path);
      }
      let content: string;
      try {
        const res = await llm.complete(
          {
            purpose: 'generate',
            system: prompt.text,
            sharedContext,
            prompt: buildGeneratePrompt(ingest, subtask, profile, path, reasons),
            schema: generatedTestSchema,
            schemaName: 'test_file',
            temperature: 0,
          },
          ctx.signal,
        );
        res.notes?.forEach((n) => state.notes.includes(n) || state.notes.push(n));
        content = cleanTestContent(res.value.content);
      } catch (err) {
        if (isTfError(err, 'LLM_BUDGET_EXCEEDED')) return stuck(err.message);
        if (!isTfError(err, 'LLM_INVALID_OUTPUT')) throw err;
        content = '';
        reasons.push(`attempt ${attempt + 1}: the model's output did not fit the schema`);
      }
      if (content) {
        const candidate: CandidateFile = {
          path, content, language: profile.language, framework: profile.framework, origin: 'generated', subtaskId: original.id, acIds: subtask.acIds,
        };
        const acs = ingest.spec.spec.acs.filter((ac) => subtask.acIds.includes(ac.id));
        const verdict = await deps.guard(candidate, acs);
        if (verdict.decision === 'keep') {
          if (reasons.length) state.notes.push(`${original.id} (${subtask.acIds.join(', ') || 'no AC'}): earlier tests were rejected and the subtask replanned (${reasons.join('; ')}); attempt ${attempt + 1} was kept.`);
          return { kind: 'kept', candidate: { ...candidate, checks: verdict.checks } };
        }
        const why = verdict.reasons.join('; ') || 'rejected by the guards';
        reasons.push(`attempt ${attempt + 1}: ${why}`);
        ctx.log.info({ subtask: original.id, attempt: attempt + 1 }, 'generated test rejected by the guards');
      }
      if (attempt >= maxReplans) return stuck();
      try {
        const replanned = await deps.replan(subtask, reasons[reasons.length - 1] ?? 'rejected');
        if (!replanned.subtask) return stuck('the planner found no replacement');
        subtask = { ...replanned.subtask, id: original.id };
      } catch (err) {
        if (isTfError(err, 'LLM_BUDGET_EXCEEDED') || isTfError(err, 'LLM_INVALID_OUTPUT')) return stuck(err.message);
        throw err;
      }
    }
  }
}

