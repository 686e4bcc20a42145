import type { LlmUsage } from '../llm/port.js';
import type { RunSettings } from '../config/run-settings.js';

export const REPORT_SCHEMA_VERSION = 1;

export type Verdict = 'accept' | 'flag' | 'reject' | 'error';

/** A reason for a verdict: a stable code and plain words for the report. */
export interface VerdictReason {
  code: string;
  text: string;
  severity: 'reject' | 'flag' | 'info' | 'error';
}

export type FailureKind = 'assertion' | 'error' | 'import' | 'collection' | 'timeout';

export interface LintFinding {
  rule: string;
  severity: 'high' | 'medium' | 'low';
  message: string;
  line?: number;
}

export interface TestSignals {
  passes: { ok: boolean; failureKind?: FailureKind; message?: string } | null;
  stability: { runs: number; passed: number; flaky: boolean } | null;
  coverage: {
    /** Changed lines (inside function bodies) this test executes, per file. */
    changedLinesCovered: Record<string, number[]>;
    coveredCount: number;
    changedTotal: number;
    /** Whether it covers changed lines the existing suite does not; null when unknown. */
    addsOverSuite: boolean | null;
  } | null;
  mutation: {
    killed: number;
    killedByAssertion: number;
    killedByCrash: number;
    survived: number;
    notReached: number;
    total: number;
  } | null;
  failToPass: 'fail-to-pass' | 'pass-to-pass' | 'fail-both' | 'not-run' | null;
  lint: LintFinding[];
  judge: { relevant: boolean; votes: number; of: number; rationale?: string } | null;
}

export interface ReportTest {
  /** `<file>::<name>` */
  id: string;
  file: string;
  name: string;
  /** 1-based line of the test's definition in `file`, where known (check run annotations). */
  line?: number;
  verdict: Verdict;
  reasons: VerdictReason[];
  signals: TestSignals;
  acIds: string[];
  subtaskId?: string;
  origin: 'generated' | 'provided';
}

export interface ReportAc {
  id: string;
  text: string;
  status: 'verified' | 'flagged' | 'unverified';
  tests: string[];
  /** Ids of the tests citing it that were written or committed (set once the run has published). */
  published?: string[];
  /** Where the criterion was read from (spec file, 1-based line), where known (check run annotations). */
  source?: { path: string; line: number };
}

export interface StuckSubtask {
  subtaskId: string;
  target: string;
  acIds: string[];
  reasons: string[];
}

/** Where the published test files went. */
export type PublicationTarget =
  /** Committed: on a branch of the repository (a PR's head branch, or a local repository's current branch). */
  | { kind: 'commit'; commitSha: string; branch?: string; repository?: string }
  /** Written into a folder, the repository untouched. */
  | { kind: 'folder'; path: string }
  /** Handed to the publisher, which says where in its own words (PR comment) while it publishes. */
  | { kind: 'pending'; branch?: string }
  /** Nothing written: why. */
  | { kind: 'none'; reason: string };

/** What the publish stage wrote or committed, test by test, and the accepted tests it left out. */
export interface Publication {
  target: PublicationTarget;
  /** Each file written or committed, with the ids of the tests it holds; `pruned`: cut down to them and run again. */
  files: Array<{ path: string; tests: string[]; pruned: boolean }>;
  /** Accepted tests (flagged ones too with `commitFlagged`) that were not published, each with why. */
  leftOut: Array<{ test: string; reason: string }>;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  run: {
    id: string;
    source: string;
    baseSha: string;
    headSha: string;
    startedAt: string;
    finishedAt: string;
    tfactoryVersion: string;
    prompts: Record<string, string>;
    dryRun: boolean;
  };
  /** The settings the run used (resolved once, at submission). */
  settings: RunSettings;
  /** `derived`: no spec; `label` names the sources the criteria were read from (`no spec: criteria derived from …`). */
  spec: { id: string; kind: string; path: string; contentHash: string; commitSha?: string; derived?: { label: string; sources: string[] } } | null;
  summary: { total: number; accepted: number; flagged: number; rejected: number; errors: number; stuck: number; acsVerified: number; acsTotal: number };
  tests: ReportTest[];
  acs: ReportAc[];
  stuck: StuckSubtask[];
  /** The run's model usage; `byStage`: calls and tokens per stage that called the model (plan, generate, evaluate for the judge). */
  usage: LlmUsage & { provider: string; model: string; byStage?: Record<string, LlmUsage> };
  timings: Record<string, number>;
  /** Notes a reader should see (e.g. "mutation off by config"). */
  notes: string[];
  /** What was written or committed and where; absent before publishing and in a dry run. */
  publication?: Publication;
}
