/** Where a spec was found (SPEC-FORMATS.md). */
/**
 * `none`: an evaluate-only run of a PR with no spec (the tests are graded, no criteria ledger).
 * `derived`: no spec; criteria read from the PR title and description, linked issues and commit messages.
 */
export type SpecKind = 'aifactory' | 'agent-os' | 'pr-body' | 'derived' | 'none';

/** Syntax an acceptance criterion was read from. */
export type AcSyntax = 'tagged' | 'bullet' | 'gherkin' | 'ears' | 'checklist' | 'derived';

export interface AcceptanceCriterion {
  /** Stable id: the spec's own tag (`AC#1`) where it has one, else `AC#<n>` by order of appearance. */
  id: string;
  text: string;
  syntax: AcSyntax;
  /** File (repo-relative) and 1-based line the criterion was read from. */
  source: { path: string; line: number };
}

export interface PlanSummary {
  feature?: string;
  workflowType?: string;
  status?: string;
  phases: Array<{ name: string; status?: string; subtasks: number }>;
  filesToModify: string[];
}

/** The `tfactory` block of task_contract.json: where present it overrides inference. */
export interface TaskContract {
  lanes?: string[];
  frameworks?: Record<string, string>;
  coverageTarget?: number;
  mutationScope?: string[];
  acToCodeMap?: Record<string, string[]>;
}

export interface SpecSnapshot {
  kind: SpecKind;
  /** Spec id (folder name for AIFactory / Agent OS; `pr-<number>` for a PR description). */
  id: string;
  title: string;
  /** Repo-relative path of the main spec file (or `PR #n description`). */
  path: string;
  /** Commit the spec was read at, where known. */
  commitSha?: string;
  /** sha256 of the spec text as read. */
  contentHash: string;
  acs: AcceptanceCriterion[];
  plan?: PlanSummary;
  contract?: TaskContract;
  /** What was read but ignored or missing (invalid plan JSON, no ACs found, …). */
  warnings?: string[];
  /** A `derived` snapshot: where its criteria were read from. */
  derived?: DerivedFrom;
}

/** One text a derived criterion list was read from. */
export interface DerivedSource {
  kind: 'pr-title' | 'pr-body' | 'issue' | 'commit';
  /** `PR #7 title`, `#12`, `owner/repo#3`, a commit's short sha. */
  ref: string;
  /** Criteria read from it (0: read, nothing usable in it). */
  criteria: number;
}

export interface DerivedFrom {
  /** `no spec: criteria derived from the PR title and description, #12, 3 commit messages`. */
  label: string;
  sources: DerivedSource[];
}

/** How the spec for a run was chosen, and what else was considered. */
export interface SpecSelection {
  spec: SpecSnapshot;
  reason: 'explicit' | 'pr-body-trailer' | 'diff-touches' | 'branch-name' | 'only-spec' | 'pr-description' | 'derived' | 'none';
  candidates: string[];
}
