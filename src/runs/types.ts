import type { LlmUsage } from '../llm/port.js';
import type { Report } from '../report/types.js';
import type { RunSettings } from '../config/run-settings.js';

export const STAGES = ['ingest', 'plan', 'generate', 'evaluate', 'triage', 'publish'] as const;
export type StageName = (typeof STAGES)[number];

/**
 * `interrupted`: stopped by a signal (or its owner's lease expired with no worker to take it over); it keeps
 * its stage outputs and resumes explicitly (`tfactory run --resume <id>`).
 */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'superseded' | 'interrupted';

/** Who carries out a running run, until when: the owner renews it (heartbeat) while it works. */
export interface RunLease {
  /** `<role>:<host>:<pid>:<nonce>`; the role is `cli` (runs only its own) or `worker` (takes queued runs). */
  owner: string;
  expiresAt: string;
  heartbeatAt: string;
}
export type StageStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export type RunSource =
  | {
      kind: 'github';
      owner: string;
      repo: string;
      pullNumber: number;
      installationId: number;
      /** `owner/repo` of the PR head (differs from the base repo for a fork). */
      headRepoFullName: string;
      headRef: string;
      baseRef: string;
      headSha: string;
      /** The base repository's `clone_url` from GitHub's API (GitHub Enterprise Server: its own host). */
      cloneUrl?: string;
      /** PR title and description at trigger time (spec selection reads trailers from it). */
      prTitle?: string;
      prBody?: string;
    }
  | { kind: 'local'; repoPath: string; baseRef: string; headRef: string };

export type TriggerKind = 'label' | 'comment' | 'rerequest' | 'synchronize' | 'mcp' | 'cli' | 'rerun';

/** What one request asks for, beside its settings: which spec, whether to publish, what to grade. */
export interface RunOptions {
  specId?: string;
  dryRun?: boolean;
  /** Local runs: commit the accepted tests on the current branch. */
  commit?: boolean;
  /**
   * Evaluate-only runs: test files to grade instead of generating (plan and generate are skipped).
   * `path` is repo-relative; `content` is given when the file is not in the checkout at head;
   * `external` files come from outside the repository and go into the project's test folder.
   */
  provided?: Array<{ path: string; content?: string; external?: boolean }>;
}

export interface RunRequest {
  source: RunSource;
  trigger: { kind: TriggerKind; actor?: string; deliveryId?: string };
  options: RunOptions;
  /** How the run works (model, evaluation, caps, gate): resolved once at submission, see config/run-settings.ts. */
  settings: RunSettings;
  /** The same trigger delivered twice has the same key and makes one run. */
  idempotencyKey: string;
}

export interface StageRecord {
  name: StageName;
  status: StageStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  error?: { code: string; message: string };
  /** Progress within the stage, e.g. tests done out of total. */
  progress?: { done: number; total: number };
  /** Why a stage was skipped (`dry run`, `evaluate-only run`), or was reset by a resume. */
  note?: string;
}

export interface Run {
  id: string;
  request: RunRequest;
  /** Groups runs of one PR (or one local repo) for supersede. */
  subjectKey: string;
  status: RunStatus;
  stages: StageRecord[];
  usage: LlmUsage;
  report?: Report;
  error?: { code: string; message: string };
  /** How many times a crashed run was resumed. */
  resumes: number;
  createdAt: string;
  updatedAt: string;
  /** When a worker first picked the run up, and when it reached a final status. */
  startedAt?: string;
  finishedAt?: string;
  /** For a superseded run: the newer run of the same subject. */
  supersededBy?: string;
  /** While running: who owns it and until when (see runs/lease.ts). */
  lease?: RunLease;
}

export type RunEvent =
  | { type: 'created'; run: Run }
  | { type: 'stage'; run: Run; stage: StageName }
  | { type: 'progress'; run: Run; stage: StageName; done: number; total: number }
  | { type: 'finished'; run: Run };

/** What the entry points (GitHub, MCP, CLI) see of runs. */
export interface RunService {
  /** Records the run and returns at once; a duplicate key returns the existing run with created=false. */
  submit(req: RunRequest): Promise<{ run: Run; created: boolean }>;
  get(id: string): Promise<Run | undefined>;
  list(filter?: { subjectKey?: string; status?: RunStatus[]; limit?: number }): Promise<Run[]>;
  cancel(id: string, reason: string): Promise<Run | undefined>;
  /** A new run with the same source, options and settings. */
  rerun(id: string, trigger: RunRequest['trigger']): Promise<Run>;
  subscribe(listener: (event: RunEvent) => void): () => void;
}
