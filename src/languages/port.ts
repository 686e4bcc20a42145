import type { Logger } from '../logger.js';
import type { AcceptanceCriterion } from '../criteria/types.js';
import type { ExtraMount, SandboxPort } from '../sandbox/port.js';
import type { RunnerName } from '../sandbox/images/runner-tag.js';
import type { CandidateFile } from './candidate.js';
import type { ProjectFs } from './project-fs.js';
import type { GuardDeps, StaticAnalysis } from './static-check-types.js';
import type { PrunedTestFile } from './prune-types.js';
import type { SymbolDef } from './symbol-def.js';
import type { Language, LanguageProfile, TestFramework } from './types.js';

/**
 * The one port a language implements (DESIGN.md, habit 12). The pipeline, the wiring and git never
 * name a language: they ask the registry (registry.ts) for the plug-in of a profile, a candidate or
 * a path, and call it. Adding a language is a folder under src/languages/ and one registry line.
 */
export interface LanguagePlugin {
  /** Stable id of the plug-in (its folder name). */
  readonly id: string;
  /** How people call it in messages: `Python`, `TypeScript/JavaScript`. */
  readonly displayName: string;
  /** The `Language` values this plug-in owns, the first being its main one. */
  readonly languages: readonly Language[];
  /** Name of each owned language in messages (`TypeScript`, `JavaScript`). */
  readonly languageNames: Readonly<Partial<Record<Language, string>>>;
  /** File extensions it reads (with the dot, lower case) and the language of each. */
  readonly extensions: Readonly<Record<string, Language>>;
  /** The test frameworks it detects, each with its runner adapter inside the in-sandbox grader. */
  readonly frameworks: readonly TestFramework[];
  /** Folders of installed or generated files that are never project code (`node_modules`, `__pycache__`). */
  readonly vendorDirs: readonly string[];

  /** Whether a profile of language `profile` can own a file of language `file` (a TS project owns .js files). */
  servesLanguage(profile: Language, file: Language): boolean;

  // --- ingest -----------------------------------------------------------------------------------
  /** One profile per project root among the changed paths this plug-in reads. */
  detectProfiles(fs: ProjectFs, changedPaths: string[]): Promise<LanguageProfile[]>;
  /** Functions, methods and classes of one version of a file; undefined when this plug-in does not read the path. */
  extractSymbols(path: string, text: string): SymbolDef[] | undefined;

  // --- plan / generate (prompt content) -------------------------------------------------------
  /** Signatures of a module's top-level definitions, without bodies (for prompts). */
  extractSignatures(content: string): string[];
  /** Repo-relative project files a source file imports (`exists` tells which files the checkout has). */
  resolveProjectImports(file: string, content: string, profile: LanguageProfile, exists: (path: string) => boolean): string[];
  /** Names of the test functions in a test file, by this language's conventions. */
  listTestNames(content: string): string[];
  /** Whether a file name (no folder) is a test file by this language's naming conventions. */
  isTestFileName(name: string): boolean;
  /** Whether a repo-relative path sits in a folder this language keeps tests in. */
  isInTestDir(path: string): boolean;
  /** File stems that stand for their folder (`__init__`, `index`): the module is the folder. */
  readonly packageIndexNames: readonly string[];
  /** The module part of the n-th generated test's name (`pricing_tfactory_1`, `pricing.tfactory-1`). */
  tagModule(module: string, n: number): string;
  /** The test file name for a tagged module when the profile's pattern says nothing usable. */
  defaultTestFileName(profile: LanguageProfile, tagged: string): string;
  /** How a generated test imports the code under test, told to the model. */
  describeImport(profile: LanguageProfile, sourceFile: string, testPath: string): string;
  /** The test framework and its version as the grader will run the tests (`pytest 7.2 …`, `vitest 3.2.4 (installed)`), told to the model. */
  describeFramework(fs: ProjectFs, profile: LanguageProfile): Promise<string>;

  // --- evaluate ---------------------------------------------------------------------------------
  /** Test files of a project (grading: they are never code under test). */
  isTestPath(path: string): boolean;
  /** Source files whose changed lines the grader measures (tests, declarations, vendored code excluded). */
  isSourcePath(path: string): boolean;
  /** Static checks of one candidate file (lint, assertions, tautology, criterion numbers, guard when given). */
  analyse(candidate: CandidateFile, acs: AcceptanceCriterion[], guard: GuardDeps | undefined): Promise<StaticAnalysis>;
  /** The same for several candidates of this language, the guard of all of them in one process (results in order). */
  analyseMany(items: Array<{ candidate: CandidateFile; acs: AcceptanceCriterion[] }>, guard: GuardDeps | undefined): Promise<StaticAnalysis[]>;
  /** The in-sandbox grader. */
  readonly grader: Grader;

  // --- publish --------------------------------------------------------------------------------
  /**
   * The test file with only the tests `keep` accepts (by static name: `TestCart::test_x`,
   * `suite > title`) and what they need (imports, constants, fixtures, helpers, hooks); undefined
   * when no test is kept or the file cannot be cut safely. Publishing commits the accepted tests of a
   * file even when others in it were not accepted.
   */
  pruneTestFile(path: string, content: string, keep: (name: string) => boolean): PrunedTestFile | undefined;

  // --- triage -----------------------------------------------------------------------------------
  /** Test source without comments, for dedup (whitespace is folded by the caller). */
  stripComments(source: string): string;
  /**
   * Files a project's build or install step writes that a checkout lacks and its own code imports (a
   * VCS version file from hatch-vcs or setuptools-scm), as `{ path, content, why }` with repo-relative
   * paths. The evaluation writes each into its copies of the head and base trees when absent there
   * (never into the checkout) and says so in the report. `read` reads a repo-relative file of the tree.
   */
  buildStepFiles?(profile: LanguageProfile, read: (path: string) => Promise<string | undefined>): Promise<Array<{ path: string; content: string; why: string }>>;
}

/** Container paths the grader's command reads its input from and writes its result to. */
export interface GraderPaths {
  input: string;
  result: string;
}

/** Installed dependencies of a project: their mounts (under SANDBOX_PATHS.packages) and environment. */
export interface PreparedPackages {
  mounts: ExtraMount[];
  env: Record<string, string>;
}

export interface DependencyRequest {
  profile: LanguageProfile;
  /** Host path of the head checkout the grader runs in. */
  headDir: string;
  /** The repository folder of a local run, whose installed dependencies may be reused. */
  localRepoPath?: string;
  sandbox: Pick<SandboxPort, 'prepare'>;
  /** The runner image for the prepare step. */
  image: () => Promise<string>;
  log: Logger;
  signal: AbortSignal;
}

/** The in-sandbox grader of a language: one container runs every candidate of a project. */
export interface Grader {
  /** Runner image (one folder under runner-images/). */
  readonly runner: RunnerName;
  /** argv of the grader inside the runner image. */
  command(paths: GraderPaths): string[];
  /** Read-only mounts of TFactory's own runtime files the grader needs. */
  mounts(): ExtraMount[];
  /** The grader process's own environment (the prepared deps' environment comes first). */
  env(seed: number): Record<string, string>;
  /** Install (or reuse) the project's dependencies; undefined when there is nothing to install. */
  prepareDependencies(req: DependencyRequest): Promise<PreparedPackages | undefined>;
  /** CPUs the grader's container may use, when it runs independent work side by side (default: the sandbox's). */
  cpus?(): number;
  /**
   * Whether it honours GraderInput.settledFiles (runs those files' tests once, on head, and marks them
   * `settled`). The evaluation then works out which files its static checks already reject whole.
   */
  readonly settlesFiles?: boolean;
  /**
   * Whether it runs the hallucination guard of GraderInput.guardFiles itself (GraderResult.guard),
   * so that the evaluation's static checks need no container of their own for it.
   */
  readonly guards?: boolean;
  /**
   * The grading split in parts, each in its own container side by side (independent work on the
   * machine's other cores), then merged into the one GraderResult. Without it, one container.
   */
  readonly parts?: GraderParts;
}

/** How a grader splits its work (see Grader.parts). */
export interface GraderParts {
  /** How many parts to run (1: no split). */
  count(input: { mutation: boolean; candidateFiles: string[] }): number;
  /**
   * argv of part `index` of `count`; it writes its raw findings to paths.result. Part 0 is given
   * `others`, the files (in the container) where parts 1.. will find theirs as each ends: it waits
   * for them and writes the merged GraderResult instead, or its raw findings as soon as one of them
   * appears as `<file>.failed` (that part failed; the host reports it).
   */
  part(paths: GraderPaths, index: number, count: number, others?: string[]): string[];
}
