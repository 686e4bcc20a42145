import { TfError, isTfError } from '../../../errors.js';
import type { LlmPort } from '../../../llm/port.js';
import { loadPrompt, type Prompt } from '../../../llm/prompts.js';
import type { IngestResult, StageContext, Subtask, TestPlan } from '../../types.js';
import { sharedRunContext } from './run-context.js';
import { buildPlanPrompt, type Refusal } from './plan-prompt.js';
import { planOutputSchema } from './plan-schema.js';
import { checkSubtask, workspaceReader, type CheckedSubtask } from './validate-plan.js';

export interface PlanOptions {
  /** Replace these subtasks (their tests were rejected); the result holds their replacements, same ids. */
  replanFor?: Array<{ subtask: Subtask; reason: string }>;
  /** Requests before giving up on invalid subtasks (default 3). */
  maxAttempts?: number;
  /** Cap on the subtasks kept; default the run's `settings.maxTests`. */
  maxSubtasks?: number;
  /** Tests can load prompts from elsewhere. */
  prompt?: Prompt;
}

/**
 * The plan stage: asks the model for subtasks tied to ACs and targeting the diff's changed symbols.
 * Invalid subtasks (a file outside the diff, an unknown symbol or AC) make the plan be asked again
 * with the reasons quoted, up to `maxAttempts`; what is still invalid then is dropped with a note.
 */
export async function planTests(ctx: StageContext, ingest: IngestResult, opts: PlanOptions = {}): Promise<TestPlan> {
  const llm = requireLlm(ctx.ports.llm);
  const prompt = opts.prompt ?? loadPrompt('planner');
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const maxSubtasks = opts.maxSubtasks ?? ctx.run.request.settings.maxTests;
  const replanIds = new Set((opts.replanFor ?? []).map((r) => r.subtask.id));
  // The same context as the generator's requests, byte for byte (run-context.ts).
  const sharedContext = await sharedRunContext(ingest, ctx.ports.git);
  const readFile = workspaceReader(ingest);
  let refusals: Refusal[] = [];
  let best: { valid: Subtask[]; invalid: Refusal[] } | undefined;
  const notes: string[] = [];

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let output;
    try {
      const res = await llm.complete(
        {
          purpose: 'plan',
          system: prompt.text,
          sharedContext,
          prompt: buildPlanPrompt(ingest, { maxSubtasks, refusals, ...(opts.replanFor ? { replanFor: opts.replanFor } : {}) }),
          schema: planOutputSchema,
          schemaName: 'test_plan',
          temperature: 0,
        },
        ctx.signal,
      );
      res.notes?.forEach((n) => notes.includes(n) || notes.push(n));
      output = res.value;
    } catch (err) {
      if (!isTfError(err, 'LLM_INVALID_OUTPUT') || attempt === maxAttempts) throw err;
      ctx.log.warn({ attempt, code: err.code }, 'plan output invalid, asking again');
      continue;
    }
    const checked = output.subtasks.map((proposed, i): CheckedSubtask => {
      if (opts.replanFor) {
        if (!proposed.replaces || !replanIds.has(proposed.replaces)) {
          return { ok: false, proposed, reasons: [`replaces must be one of ${[...replanIds].join(', ')}`] };
        }
        return checkSubtask(proposed, proposed.replaces, ingest, readFile);
      }
      return checkSubtask(proposed, `S${i + 1}`, ingest, readFile);
    });
    const valid = dedupe(checked.flatMap((c) => (c.ok ? [c.subtask] : [])));
    const invalid = checked.flatMap((c) => (c.ok ? [] : [{ proposed: c.proposed, reasons: c.reasons }]));
    if (!best || valid.length >= best.valid.length) best = { valid, invalid };
    ctx.log.info({ attempt, valid: valid.length, invalid: invalid.length }, 'plan received');
    if (invalid.length === 0) {
      best = { valid, invalid };
      break;
    }
    refusals = invalid;
  }

  const result = best ?? { valid: [], invalid: [] };
  for (const r of result.invalid) notes.push(`planned subtask for ${r.proposed.target} dropped: ${r.reasons.join('; ')}`);
  if (result.valid.length === 0) notes.push(opts.replanFor ? 'the planner proposed no valid replacement' : 'the planner proposed no valid subtask');
  ctx.progress('plan', 1, 1);
  return { subtasks: result.valid.slice(0, maxSubtasks), promptVersion: prompt.version, ...(notes.length ? { notes } : {}) };
}

/**
 * The `replan` dependency of the generate stage: one replacement for one rejected subtask (same id),
 * or undefined when the planner has none.
 */
export function createReplanner(ctx: StageContext, ingest: IngestResult, opts: Omit<PlanOptions, 'replanFor'> = {}) {
  return async (subtask: Subtask, reason: string): Promise<{ subtask?: Subtask }> => {
    const plan = await planTests(ctx, ingest, { ...opts, replanFor: [{ subtask, reason }] });
    const replacement = plan.subtasks.find((s) => s.id === subtask.id);
    return replacement ? { subtask: replacement } : {};
  };
}

export type Replanner = ReturnType<typeof createReplanner>;

function requireLlm(llm: LlmPort | undefined): LlmPort {
  if (!llm) throw new TfError('CONFIG_INVALID', 'planning tests needs a model, and this run has none', { hint: 'configure an LLM provider, or run evaluate with --no-llm on provided tests' });
  return llm;
}

function dedupe(subtasks: Subtask[]): Subtask[] {
  const seen = new Set<string>();
  return subtasks.filter((s) => {
    const key = `${s.target}\n${s.intent.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
