import type { LintFinding } from '../report/types.js';
import type { SandboxPort } from '../sandbox/port.js';
import type { RunnerName } from '../sandbox/images/runner-tag.js';
import type { GuardItem } from './guard-output.js';
import type { GraderResult } from './types.js';

/**
 * The rule of a low-severity finding: an equality check whose expected side is computed through
 * project code with the same inputs as the actual side (`assert total(x) == invoice_total(x)`).
 * The verdict makes it an indirect tautology when no planted bug ever made a check fail.
 */
export const EXPECTED_FROM_CODE = 'expected-from-code';

/** GraderResult.guard. */
export type GraderGuard = NonNullable<GraderResult['guard']>;

/** What a plug-in's hallucination guard needs to run in the sandbox. */
export interface GuardDeps {
  sandbox: SandboxPort;
  /** Runner image (python or node) for the candidate's language. */
  image: string;
  /** Host path of the checkout, mounted read-only at /workspace. */
  workspace: string;
  /** Repo-relative project root inside the checkout ('' for the root). */
  projectRoot?: string;
  /** Extra environment for the guard process (e.g. PYTHONPATH of prepared deps). Never secrets. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Per-module import timeout of the Python guard. */
  importTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The TS/JS guard's batch answer as the grader gave it (GraderResult.guard), when the grader ran it
   * for these files: then no container is started for it. Resolves undefined when it did not, and
   * then the guard runs in its own container as usual.
   */
  batch?: Promise<GraderGuard | undefined>;
}

export interface StaticCheckDeps extends Omit<GuardDeps, 'sandbox'> {
  /** Without a sandbox the hallucination guard is skipped and discovery is the TS scanner's. */
  sandbox?: SandboxPort;
  /** Per-runner images, for a guard that sees both languages; `image` is used where absent. */
  images?: Partial<Record<RunnerName, string>>;
}

export interface TestStaticResult {
  /** `<file>::<name>` */
  id: string;
  name: string;
  line: number;
  endLine: number;
  findings: LintFinding[];
  decision: 'keep' | 'reject';
}

/** Who found the test functions: Python's ast (in the sandbox), the Python scanner, or the TS compiler. */
export type DiscoveryKind = 'python-ast' | 'python-scanner' | 'typescript-ast';

export interface StaticCheckResult {
  file: string;
  discovery: DiscoveryKind;
  tests: TestStaticResult[];
  /** Findings about the whole file (syntax, no tests, hallucinated imports outside any test). */
  fileFindings: LintFinding[];
  guard: { hallucinated: GuardItem[]; unknown: GuardItem[] } | null;
  /** Why the guard could not give an answer (infrastructure), when it could not. */
  guardError?: string;
  decision: 'keep' | 'reject';
  reasons: string[];
}

/** One test function as a plug-in's static analysis sees it. */
export interface AnalysedTest {
  name: string;
  line: number;
  endLine: number;
  findings: LintFinding[];
}

/** What a plug-in's static analysis of one candidate file gives back. */
export interface StaticAnalysis {
  discovery: DiscoveryKind;
  units: AnalysedTest[];
  fileFindings: LintFinding[];
  guard: StaticCheckResult['guard'];
  guardError?: string;
}

/**
 * What the later stages keep of a candidate's static checks: per test function its findings, line
 * and source (for the judge and dedup), and the file's own findings. Computed once per candidate.
 */
export interface StaticCheckOutcome {
  tests: Array<{ id: string; name: string; findings: LintFinding[]; source: string; line?: number }>;
  fileFindings: LintFinding[];
}
