import type { GuardFindings } from './guard-output.js';

/** Every language value a plug-in owns (one plug-in may own several: TypeScript owns JavaScript). */
export const LANGUAGES = ['python', 'typescript', 'javascript'] as const;
export type Language = (typeof LANGUAGES)[number];
export type TestFramework = 'pytest' | 'unittest' | 'vitest' | 'jest' | 'node:test';
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'pip' | 'none';

/** What TFactory knows about one language's project inside the checkout. */
export interface LanguageProfile {
  language: Language;
  framework: TestFramework;
  packageManager: PackageManager;
  /** Repo-relative folder the project lives in ('' or '.' for the root). */
  root: string;
  /** Where tests live, repo-relative (e.g. `tests`, `src/__tests__`). */
  testDir: string;
  /** 'flat' or 'src' for Python; for TS/JS always 'flat'. */
  layout: 'flat' | 'src';
  /** File name for a new test of `module` (e.g. `test_pricing.py`, `pricing.test.ts`). */
  testFileNamePattern: string;
  /** The lockfile whose hash keys the dependency cache, if any. */
  lockfile?: string;
  /** Changed files (repo-relative) that this profile covers. */
  files: string[];
}

/* ------------------------------------------------------------------------------------------------
 * Evaluation runtime contract: what a language's in-sandbox grader takes and gives back.
 * The evaluate stage writes candidate test files into the run's own copy of the checkout (on the
 * host, before it is mounted read-only), opens ONE sandbox session, and calls `evaluate` once.
 * ---------------------------------------------------------------------------------------------- */

export interface GraderInput {
  /** Repo-relative root of the project (where pytest / vitest runs). */
  projectRoot: string;
  /** Repo-relative candidate test files to grade; every test function in them is a candidate. */
  candidateFiles: string[];
  /** Existing test files of the project (for "adds coverage over the suite"); may be empty. */
  suiteFiles: string[];
  /** Changed line ranges on head, repo-relative path → ranges; only source files under test. */
  changedRanges: Record<string, Array<{ start: number; end: number }>>;
  stabilityRuns: number;
  seed: number;
  perTestTimeoutMs: number;
  mutation: boolean;
  maxMutants: number;
  /** Container path of the base tree (same layout), for fail-to-pass; absent to skip. */
  baseDir?: string;
  /**
   * Candidate files every test of which the static checks already reject (no assertion, a
   * tautology, only weak checks, a high-severity lint, tampering): their verdict is decided, so a
   * grader that honours this (Grader.settlesFiles) runs their tests once on head (passes, coverage)
   * and never again (stability, the control, mutants, base), marking them `settled`.
   */
  settledFiles?: string[];
  /**
   * Candidate files whose hallucination guard a grader that can (Grader.guards) runs itself, in its
   * own process before any test runs, as the guard's own container would (the checkout's root as the
   * project root, no prepared dependencies): GraderResult.guard. It saves that container.
   */
  guardFiles?: string[];
}

export type GradedOutcome = 'passed' | 'failed' | 'error' | 'timeout' | 'skipped';

export interface GradedRun {
  outcome: GradedOutcome;
  /** assertion: a failed check on a value; error: any other exception; import/collection: never reached the test body. */
  failureKind?: 'assertion' | 'error' | 'import' | 'collection' | 'timeout';
  message?: string;
  durationMs: number;
}

export interface GraderMutant {
  id: string;
  file: string;
  line: number;
  operator: string;
  /** e.g. `a < b` → `a <= b`. */
  description: string;
  /** Ids of candidate tests that executed the mutated line on head. */
  coveredBy: string[];
}

export interface GradedTest {
  /** `<file>::<name>` where name includes a class prefix (`TestX::test_y`) when there is one. */
  id: string;
  file: string;
  name: string;
  runs: GradedRun[];
  /** Changed lines this test executes (function-body lines only), repo-relative path → lines. */
  coveredChanged: Record<string, number[]>;
  mutants: {
    killed: Array<{ mutant: string; by: 'assertion' | 'crash' | 'timeout' }>;
    survived: string[];
    notReached: string[];
  };
  /** Outcome against the base code, when baseDir was given. */
  onBase?: GradedRun;
  /** Run once on head only, its file being in GraderInput.settledFiles (no stability, mutant or base run). */
  settled?: true;
}

export interface GraderResult {
  tests: GradedTest[];
  mutants: GraderMutant[];
  /** Changed lines the existing suite already executes. */
  suiteCoveredChanged: Record<string, number[]>;
  /** Changed lines that are executable function-body lines (the denominator for coverage). */
  changedExecutable: Record<string, number[]>;
  /** Number of test executions (a test run once, a stability rerun, a mutant run...). */
  executions: number;
  /** Sum of the wall time of the executions that were strictly necessary (one pass per test). */
  necessaryMs: number;
  /** Wall time of the mutation phase (the control run and every mutant run), when the grader measured it. */
  mutationMs?: number;
  /** Wall time by phase of the evaluation (head, reruns, control, screen, confirm, fresh, base…), when the grader measured it. */
  phasesMs?: Record<string, number>;
  /** Infrastructure problems (collection of the whole file failed, grader crash): never accepted. */
  errors: string[];
  /**
   * The guard of GraderInput.guardFiles: the guard script's batch answer (each file by its path
   * under /workspace), or why there is none.
   */
  guard?: { files: Array<{ path: string; result: GuardFindings }> } | { error: string };
}
