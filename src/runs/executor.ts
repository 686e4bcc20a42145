import type { Logger } from '../logger.js';
import type { LlmUsage } from '../llm/port.js';
import type { Report } from '../report/types.js';
import type { StageOutputs, StageUpdate } from './store.js';
import type { Run, StageName } from './types.js';

/** What the worker gives the code that carries out one run (in production: pipeline/run-pipeline.ts). */
export interface ExecutorContext {
  /** Aborted on cancel, supersede or shutdown; pass it to every port call (the sandbox kills its container). */
  signal: AbortSignal;
  /** Outputs of stages a previous attempt finished; empty for a fresh run. */
  resumeFrom: StageOutputs;
  /** Child logger with the run id. */
  log: Logger;
  /** Persists a stage's outcome (and its output, for resume) and publishes a `stage` event. */
  reportStage(update: StageUpdate): Promise<Run>;
  /** Progress within a stage (e.g. tests evaluated out of total); published as a `progress` event. */
  reportProgress(stage: StageName, done: number, total: number): void;
  /** Adds model usage to the run's total as it is spent (so a crash loses none of it). */
  reportUsage(usage: LlmUsage): Promise<void>;
}

export interface ExecutorOutcome {
  report?: Report;
}

/** Resolves when the run succeeded; throws (a TfError where it can) when it failed or was aborted. */
export type RunExecutor = (run: Run, ctx: ExecutorContext) => Promise<ExecutorOutcome>;
