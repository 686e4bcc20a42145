import type { LlmUsage } from '../../llm/port.js';
import type { Publication, Report } from '../../report/types.js';
import type { RunOptions } from '../../runs/types.js';
import type { EvaluateResult, GenerateResult, IngestResult, StageContext, TestPlan } from '../types.js';

/** A prepared checkout with what was read from it; `release` removes the workspace when the run ends. */
export interface PreparedIngest {
  result: IngestResult;
  release(): Promise<void>;
}

/** 1. ingest: workspace at head, diff, spec, language profiles. */
export interface IngestStage {
  run(ctx: StageContext): Promise<PreparedIngest>;
  /** On resume: reuse a finished ingest if its workspace is still there; undefined means ingest again. */
  reattach(previous: IngestResult, ctx: StageContext): Promise<PreparedIngest | undefined>;
}

/** 2. plan: subtasks (one behaviour each) from the spec's criteria and the diff. */
export type PlanStage = (ctx: StageContext, ingest: IngestResult) => Promise<TestPlan>;

/** 3. generate: candidate test files for the plan's subtasks (or stuck subtasks). */
export type GenerateStage = (ctx: StageContext, ingest: IngestResult, plan: TestPlan) => Promise<GenerateResult>;

/** 3'. evaluate-only runs: the provided test files as candidates, in place of plan and generate. */
export type CollectStage = (
  ctx: StageContext,
  ingest: IngestResult,
  provided: NonNullable<RunOptions['provided']>,
) => Promise<GenerateResult>;

/** 4. evaluate: run every candidate in the sandbox and gather its signals. */
export type EvaluateStage = (ctx: StageContext, ingest: IngestResult, generated: GenerateResult) => Promise<EvaluateResult>;

export interface TriageInput {
  ingest: IngestResult;
  /** null when plan was skipped (evaluate-only or no-model runs). */
  plan: TestPlan | null;
  generated: GenerateResult;
  evaluated: EvaluateResult;
  /** Milliseconds per stage finished so far (ingest … evaluate). */
  timings: Record<string, number>;
  /** Model usage of the run so far. */
  usage: LlmUsage;
  /** Model usage per stage, of the stages this attempt ran (a resumed run's earlier stages are only in `usage`). */
  usageByStage?: Partial<Record<string, LlmUsage>>;
  /** When the run started (the report's `run.startedAt`). */
  startedAt: string;
}

/** 5. triage: verdicts per test, criteria status, the report. */
export type TriageStage = (ctx: StageContext, input: TriageInput) => Promise<Report>;

export interface PublishResult {
  commitSha?: string;
  notes: string[];
  /** What was written or committed and where (the report's `publication`); absent in outputs of older runs. */
  publication?: Publication;
}

/** 6. publish: check run, PR comment, commit of the accepted tests (not called in a dry run); a pruned file is run again on the ingest's checkout. */
export type PublishStage = (ctx: StageContext, report: Report, generated: GenerateResult, ingest: IngestResult) => Promise<PublishResult>;

/** The stage implementations the pipeline runs, injected (DESIGN.md, habit 3). */
export interface Stages {
  ingest: IngestStage;
  plan: PlanStage;
  generate: GenerateStage;
  collect: CollectStage;
  evaluate: EvaluateStage;
  triage: TriageStage;
  publish: PublishStage;
}
