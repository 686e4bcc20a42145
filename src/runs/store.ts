import type { LlmUsage } from '../llm/port.js';
import type { Report } from '../report/types.js';
import type { Run, RunLease, RunRequest, RunStatus, StageName, StageRecord } from './types.js';

/** Outputs of finished stages (JSON values), by stage: what a resumed run starts from. */
export type StageOutputs = Partial<Record<StageName, unknown>>;

/**
 * A change to one stage's record, merged into it. Moving to `running` starts a fresh attempt, and
 * moving to `pending` resets it (both clear error, finish time, progress, note and output unless
 * given). `output` (JSON) is kept for resume.
 */
export interface StageUpdate extends StageRecord {
  output?: unknown;
}

export interface NewRun {
  id: string;
  request: RunRequest;
  subjectKey: string;
  createdAt: string;
  /** Created already `running` under this lease (a CLI command carries out its own run, never queued). */
  lease?: RunLease;
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
  /** null clears it (a resumed run). */
  error?: { code: string; message: string } | null;
  report?: Report;
  resumes?: number;
  startedAt?: string;
  finishedAt?: string | null;
  supersededBy?: string;
  /** A new lease, or null to release it. */
  lease?: RunLease | null;
}

/** Conditions of a compare-and-set update; all given ones must hold. */
export interface UpdateConditions {
  ifStatus?: RunStatus[];
  /** Only when this owner holds the run's lease. */
  ifOwner?: string;
  /** Only when the run has no lease or its lease expired before this instant (ISO). */
  ifLeaseExpiredAt?: string;
  at?: string;
}

/**
 * The run store port. The embedded default is SQLite (./sqlite/); PostgreSQL (./postgres/) is the
 * shared store of several machines. Both pass test/runs/store-contract.ts. The store is also the
 * embedded queue: `claimNext` takes the oldest queued run. A running run is owned through a lease.
 */
export interface RunStore {
  /** Records a queued run; a known idempotency key returns the existing run with created=false. */
  create(input: NewRun): Promise<{ run: Run; created: boolean }>;
  get(id: string): Promise<Run | undefined>;
  list(filter?: RunFilter): Promise<Run[]>;
  /**
   * Applies the patch when the conditions hold (a compare-and-set, so a final status is never
   * overwritten and a lease is taken over only once). Returns the updated run, or undefined if not applied.
   */
  update(id: string, patch: RunPatch, opts?: UpdateConditions): Promise<Run | undefined>;
  /** Marks the oldest queued run `running` under the lease and returns it (FIFO); undefined when none is queued. */
  claimNext(at: string, lease: RunLease): Promise<Run | undefined>;
  /** Renews the lease while its owner holds it and the run is running; undefined when it no longer does. */
  heartbeat(id: string, lease: RunLease): Promise<Run | undefined>;
  /** Running runs whose lease expired before `at` (or that have none), oldest first. */
  expiredLeases(at: string, limit?: number): Promise<Run[]>;
  /** Records a stage's outcome (status, timings, error, progress, output). */
  recordStage(id: string, update: StageUpdate, at?: string): Promise<Run | undefined>;
  /** Outputs of the stages that are done (or skipped with an output). */
  stageOutputs(id: string): Promise<StageOutputs>;
  /** Adds model usage to the run's total. */
  addUsage(id: string, usage: LlmUsage, at?: string): Promise<Run | undefined>;
  close(): Promise<void>;
}
