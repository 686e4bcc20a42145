/** One model for test results, whatever wrote them (pytest / vitest JUnit XML). */
export type TestOutcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCaseResult {
  /** Stable id: `<file>::<classname-or-suite>::<name>` with the parts that exist. */
  id: string;
  file?: string;
  classname: string;
  name: string;
  outcome: TestOutcome;
  /** Failure or error message (first line of it), if any. */
  message?: string;
  /** Failure type as reported (e.g. `AssertionError`, `ZeroDivisionError`). */
  failureType?: string;
  /** Full failure text (bounded). */
  details?: string;
  durationMs: number;
}

export interface TestRunResult {
  tests: TestCaseResult[];
  totals: { tests: number; passed: number; failed: number; errors: number; skipped: number };
  durationMs: number;
}

/** Covered and missed executable lines per file (repo-relative path). */
export interface FileCoverage {
  path: string;
  covered: number[];
  missed: number[];
}

export interface CoverageResult {
  files: FileCoverage[];
}
