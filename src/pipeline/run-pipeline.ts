import { isTfError } from '../errors.js';
import { createBudget, isUsage, withBudget, type BudgetLimits } from '../llm/budget.js';
import { addUsage, ZERO_USAGE, type LlmPort, type LlmRequest, type LlmUsage } from '../llm/port.js';
import type { ExecutorContext, RunExecutor } from '../runs/executor.js';
import type { Run, StageName } from '../runs/types.js';
import { withPublication } from '../report/publication.js';
import type { GenerateResult, IngestResult, Ports, StageContext, TestPlan } from './types.js';
import type { PreparedIngest, Stages } from './stages/types.js';

export interface PipelineDeps {
  stages: Stages;
  /** The ports of one run (the model and the publisher depend on its options and installation). */
  ports(run: Run, signal: AbortSignal): Promise<Ports>;
  /** The model budget of one run (default: 200 calls, $10), over every stage that calls the model. */
  budget?: BudgetLimits;
}

export const DEFAULT_RUN_BUDGET: BudgetLimits = { maxCalls: 200, maxCostUsd: 10 };

/**
 * The pipeline, as the run service's executor (DESIGN.md, habit 2). Each stage's output is kept
 * in the run store, so a resumed run skips the stages a previous attempt finished.
 */
export function runPipeline(deps: PipelineDeps): RunExecutor {
  return async (run, exec) => {
    const { stages } = deps;
    const options = run.request.options;
    const provided = options.provided ?? [];
    const evaluateOnly = provided.length > 0 || run.request.settings.model.provider === 'none';
    const step = createStepper(run, exec, await deps.ports(run, exec.signal), deps.budget ?? DEFAULT_RUN_BUDGET);

    // 1. ingest: workspace, diff, spec, languages (a resumed run re-attaches its workspace)
    const prepared = await ingestOrReattach(stages, step, exec);
    try {
      const ingest = prepared.result;
      // 2. plan (not for evaluate-only runs)
      const plan: TestPlan | null = evaluateOnly
        ? await step.skip('plan', 'evaluate-only run')
        : await step.run('plan', (ctx) => stages.plan(ctx, ingest));
      // 3. generate, or collect the provided test files of an evaluate-only run
      const generated: GenerateResult = plan
        ? await step.run('generate', (ctx) => stages.generate(ctx, ingest, plan))
        : await step.run('generate', (ctx) => stages.collect(ctx, ingest, provided), 'evaluate-only run: provided tests');
      // 4. evaluate
      const evaluated = await step.run('evaluate', (ctx) => stages.evaluate(ctx, ingest, generated));
      // 5. triage
      const startedAt = run.startedAt ?? run.createdAt;
      const report = await step.run('triage', (ctx) =>
        stages.triage(ctx, { ingest, plan, generated, evaluated, timings: { ...step.timings }, usage: step.usage, usageByStage: { ...step.usageByStage }, startedAt }),
      );
      // 6. publish (a dry run stops before it); the report says what was published and where
      const published = options.dryRun ? await step.skip('publish', 'dry run') : await step.run('publish', (ctx) => stages.publish(ctx, report, generated, ingest));
      const final = published?.publication ? withPublication(report, published.publication) : report;
      return { report: { ...final, notes: [...final.notes, ...(published?.notes ?? [])], timings: { ...report.timings, ...step.timings } } };
    } finally {
      await prepared.release().catch((err: unknown) => exec.log.warn({ err }, 'workspace not released'));
    }
  };
}

async function ingestOrReattach(stages: Stages, step: Stepper, exec: ExecutorContext): Promise<PreparedIngest> {
  const previous = exec.resumeFrom.ingest as IngestResult | undefined;
  if (previous !== undefined) {
    const again = await stages.ingest.reattach(previous, step.context('ingest'));
    if (again) return again;
    exec.log.info({ workspaceDir: previous.workspaceDir }, 'workspace of the resumed run is gone: ingest again');
  }
  let prepared: PreparedIngest | undefined;
  await step.attempt('ingest', async (ctx) => {
    prepared = await stages.ingest.run(ctx);
    return prepared.result;
  });
  if (!prepared) throw new Error('ingest finished without a workspace');
  return prepared;
}

type Stepper = ReturnType<typeof createStepper>;

/** Runs one stage at a time: records its start, outcome, timing and output; reuses resumed outputs. */
function createStepper(first: Run, exec: ExecutorContext, rawPorts: Ports, budget: BudgetLimits) {
  let run = first;
  const timings: Record<string, number> = {};
  for (const s of first.stages) if (s.status === 'done' && s.durationMs !== undefined && s.name in exec.resumeFrom) timings[s.name] = s.durationMs;

  const stepper = {
    timings,
    usage: first.usage,
    /** Model usage per stage, of the stages this attempt ran (the report's calls and tokens per stage). */
    usageByStage: {} as Partial<Record<StageName, LlmUsage>>,
    current: undefined as StageName | undefined,
    ports: meterModel(rawPorts, first.usage, budget, async (delta) => {
      stepper.usage = addUsage(stepper.usage, delta);
      if (stepper.current) stepper.usageByStage[stepper.current] = addUsage(stepper.usageByStage[stepper.current] ?? ZERO_USAGE, delta);
      await exec.reportUsage(delta);
    }),
    context(stage: StageName): StageContext {
      return {
        run,
        log: exec.log.child({ stage }),
        signal: exec.signal,
        ports: stepper.ports,
        progress: (name, done, total) => exec.reportProgress(name, done, total),
      };
    },
    /** Runs the stage now, whatever a previous attempt did. */
    async attempt<T>(stage: StageName, fn: (ctx: StageContext) => Promise<T>, note?: string): Promise<T> {
      exec.signal.throwIfAborted();
      stepper.current = stage;
      const start = Date.now();
      run = await exec.reportStage({ name: stage, status: 'running', startedAt: new Date(start).toISOString() });
      await stepper.ports.publisher.stageChanged(run, stage).catch((err: unknown) => exec.log.warn({ err, stage }, 'stage change not published'));
      const ended = () => ({ finishedAt: new Date().toISOString(), durationMs: Date.now() - start });
      try {
        const output = await fn(stepper.context(stage));
        const end = ended();
        timings[stage] = end.durationMs;
        run = await exec.reportStage({ name: stage, status: note ? 'skipped' : 'done', ...end, output, ...(note ? { note } : {}) });
        return output;
      } catch (err) {
        const code = isTfError(err) ? err.code : exec.signal.aborted ? 'RUN_CANCELLED' : 'INTERNAL';
        const message = err instanceof Error ? err.message : String(err);
        run = await exec.reportStage({ name: stage, status: 'failed', ...ended(), error: { code, message } });
        throw err;
      }
    },
    /** Reuses the output a previous attempt recorded, else runs the stage (recorded as skipped with a note). */
    async run<T>(stage: StageName, fn: (ctx: StageContext) => Promise<T>, note?: string): Promise<T> {
      if (stage in exec.resumeFrom) {
        exec.log.info({ stage }, 'stage output reused from the previous attempt');
        return exec.resumeFrom[stage] as T;
      }
      return stepper.attempt(stage, fn, note);
    },
    async skip(stage: StageName, note: string): Promise<null> {
      exec.signal.throwIfAborted();
      run = await exec.reportStage({ name: stage, status: 'skipped', note });
      return null;
    },
  };
  return stepper;
}

/**
 * The one place where model usage is counted: every call's usage (a call whose output failed
 * validation included) reaches the run as it is spent, and the run's budget is enforced on the same
 * figures (a resumed run starts from what it already spent). Stages neither count nor budget.
 */
function meterModel(ports: Ports, spent: LlmUsage, limits: BudgetLimits, onUsage: (usage: LlmUsage) => Promise<void>): Ports {
  const llm = ports.llm;
  if (!llm) return ports;
  const metered: LlmPort = {
    provider: llm.provider,
    model: llm.model,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal) {
      try {
        const res = await llm.complete(req, signal);
        await onUsage(res.usage);
        return res;
      } catch (err) {
        const usage = isTfError(err, 'LLM_INVALID_OUTPUT') ? err.details.usage : undefined;
        if (isUsage(usage)) await onUsage(usage);
        throw err;
      }
    },
  };
  const budget = createBudget(limits);
  budget.charge(spent);
  return { ...ports, llm: withBudget(metered, budget) };
}
