import type { LlmUsage } from '../llm/port.js';
import type { Report } from '../report/types.js';

export const STAGES = ['ingest', 'plan', 'generate', 'evaluate', 'triage', 'publish'] as const;
export type StageName = (typeof STAGES)[number];

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';
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
      /** PR title and description at trigger time (spec selection reads trailers from it). */
      prTitle?: string;
      prBody?: string;
    }
  | { kind: 'local'; repoPath: string; baseRef: string; headRef: string };

export type TriggerKind = 'label' | 'comment' | 'rerequest' | 'synchronize' | 'mcp' | 'cli' | 'rerun';

export interface RunOptions {
  specId?: string;
  dryRun?: boolean;
  noLlm?: boolean;
  /** Local runs: commit the accepted tests on the current branch. */
  commit?: boolean;
  /** `anthropic`, `openai`, or `replay:<file>`. */
  llm?: string;
  /**
   * Evaluate-only runs: test files to grade instead of generating (plan and generate are skipped).
   * `path` is repo-relative; `content` is given when the file is not in the checkout at head;
   * `external` files come from outside the repository and go into the project's test folder.
   */
  provided?: Array<{ path: string; content?: string; external?: boolean }>;
  /** Evaluation settings (repo config or CLI flags); defaults apply where absent. */
  evaluation?: {
    stabilityRuns?: number;
    mutation?: boolean;
    maxMutants?: number;
    perTestTimeoutMs?: number;
    failToPass?: boolean;
    /** The LLM relevance judge (off with --no-llm). */
    judge?: boolean;
  };
  /** Cap on the number of tests planned / committed. */
  maxTests?: number;
  /** Also commit flagged tests (repo config `commitFlagged`). */
  commitFlagged?: boolean;
}

export interface RunRequest {
  source: RunSource;
  trigger: { kind: TriggerKind; actor?: string; deliveryId?: string };
  options: RunOptions;
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
  /** A new run with the same source and options. */
  rerun(id: string, trigger: RunRequest['trigger']): Promise<Run>;
  subscribe(listener: (event: RunEvent) => void): () => void;
}
