import type { Logger } from '../logger.js';
import type { DiffSummary, GitPort } from '../git/types.js';
import type { SpecSelection } from '../criteria/types.js';
import type { LanguageProfile, Language, TestFramework } from '../languages/types.js';
import type { CandidateFile } from '../languages/candidate.js';
import type { SandboxPort } from '../sandbox/port.js';
import type { LlmPort } from '../llm/port.js';
import type { PublicationTarget, Report, ReportTest, StuckSubtask } from '../report/types.js';
import type { Run, StageName } from '../runs/types.js';

/** Ports a stage may use: passed in, never imported as singletons (DESIGN.md, habit 3). */
/** A candidate test file: the shape lives with the languages that read it. */
export type { CandidateFile };

export interface Ports {
  git: GitPort;
  sandbox: SandboxPort;
  /** Absent when the run has no model (`--no-llm` evaluate runs). */
  llm?: LlmPort;
  /** Publishing: GitHub (check run, comment, push) or local (write files, optional commit). */
  publisher: Publisher;
}

export interface StageContext {
  run: Run;
  log: Logger;
  signal: AbortSignal;
  ports: Ports;
  progress(stage: StageName, done: number, total: number): void;
}

export interface IngestResult {
  /** Host path of the per-run checkout at head. */
  workspaceDir: string;
  baseSha: string;
  headSha: string;
  diff: DiffSummary;
  spec: SpecSelection;
  profiles: LanguageProfile[];
}

export interface Subtask {
  id: string;
  acIds: string[];
  lane: 'unit' | 'integration';
  language: Language;
  framework: TestFramework;
  /** `path/to/file.py::symbol` — inside the diff's files. */
  target: string;
  intent: string;
  rationale: string;
}

export interface TestPlan {
  subtasks: Subtask[];
  promptVersion: string;
  /** What a reader should know (subtasks dropped as invalid, attempts used). */
  notes?: string[];
}

export interface GenerateResult {
  candidates: CandidateFile[];
  stuck: StuckSubtask[];
  /** Version of prompts/generator.md used. */
  promptVersion?: string;
  notes?: string[];
}

export interface EvaluateResult {
  tests: ReportTest[];
  /** Test id → the test function's source (for dedup). */
  sources: Record<string, string>;
  languages: Record<string, Language>;
  notes: string[];
  /** Figures for the benchmark and the report. */
  /** mutationMs: wall time of the graders' mutation phases (control run and mutant runs), summed; phasesMs: the graders' time by phase, summed. */
  stats: { containers: number; executions: number; necessaryMs: number; mutants: number; graderMs: number; mutationMs?: number; phasesMs?: Record<string, number> };
}

export interface Publisher {
  /** Called as stages pass (check run in progress, CLI progress line). */
  stageChanged(run: Run, stage: StageName): Promise<void>;
  /** Commit / push / comment / complete the check run. Not called in a dry run. */
  publish(run: Run, report: Report, accepted: CandidateFile[]): Promise<PublishOutcome>;
}

/** What a publisher did: its commit, what a reader should know, and (when it knows better than its commit) where the files went. */
export interface PublishOutcome {
  commitSha?: string;
  notes: string[];
  location?: PublicationTarget;
}
