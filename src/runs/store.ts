import type { LlmUsage } from '../llm/port.js';
import type { Report } from '../report/types.js';
import type { Run, RunRequest, RunStatus, StageName, StageRecord } from './types.js';

/** Outputs of finished stages (JSON values), by stage: what a resumed run starts from. */
export type StageOutputs = Partial<Record<StageName, unknown>>;

/**
 * A change to one stage's record, merged into it. Moving to `running` starts a fresh attempt
 * (clears error, finish time, progress, note and output). `output` (JSON) is kept for resume.
 */
export interface StageUpdate extends StageRecord {
  output?: unknown;
}

export interface NewRun {
  id: string;
  request: RunRequest;
  subjectKey: string;
  createdAt: string;
}

export interface RunFilter {
  subjectKey?: string;
  status?: RunStatus[];
  /** Newest first; default 100. */
  limit?: number;
}

/** Fields of a run that change after creation. */
export interface RunPatch {
  status?: RunStatus;
  error?: { code: string; message: string };
  report?: Report;
  resumes?: number;
  startedAt?: string;
  finishedAt?: string;
  supersededBy?: string;
}

/**
 * The run store port. The embedded default is SQLite (./sqlite/); a Redis or SQL-server store
 * implements the same interface. The store is also the durable queue: `claimNext` takes the
 * oldest queued run.
 */
export interface RunStore {
  /** Records a queued run; a known idempotency key returns the existing run with created=false. */
  create(input: NewRun): Promise<{ run: Run; created: boolean }>;
  get(id: string): Promise<Run | undefined>;
  list(filter?: RunFilter): Promise<Run[]>;
  /**
   * Applies the patch; with `ifStatus`, only when the run's status is one of them (a compare-and-set,
   * so a final status is never overwritten). Returns the updated run, or undefined if not applied.
   */
  update(id: string, patch: RunPatch, opts?: { ifStatus?: RunStatus[]; at?: string }): Promise<Run | undefined>;
  /** Marks the oldest queued run `running` and returns it (FIFO); undefined when none is queued. */
  claimNext(at: string): Promise<Run | undefined>;
  /** Records a stage's outcome (status, timings, error, progress, output). */
  recordStage(id: string, update: StageUpdate, at?: string): Promise<Run | undefined>;
  /** Outputs of the stages that are done (or skipped with an output). */
  stageOutputs(id: string): Promise<StageOutputs>;
  /** Adds model usage to the run's total. */
  addUsage(id: string, usage: LlmUsage, at?: string): Promise<Run | undefined>;
  close(): Promise<void>;
}
