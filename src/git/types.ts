export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

export type FileChange = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ChangedFile {
  /** Path at head (for a deleted file: its path at base). */
  path: string;
  oldPath?: string;
  change: FileChange;
  /** Lines added or modified on the head side. */
  addedRanges: LineRange[];
  /** Lines removed on the base side. */
  removedRanges: LineRange[];
  binary: boolean;
  /** Bytes of the blob at head (at base for a deleted file), when git reported it. */
  size?: number;
  /** The name is not UTF-8: `path` and `oldPath` hold git's quoted form (`"caf\\351.py"`); `gitPathBytes` gives the bytes. */
  notUtf8?: boolean;
  /** Not a regular file at head (at base for a deleted one): a symbolic link or a submodule. */
  special?: 'symlink' | 'submodule';
}

/** A changed file ingest leaves out of the later stages (never parsed, mutated or tested), and why. */
export interface SkippedFile {
  path: string;
  reason: 'binary' | 'too-large' | 'name-not-utf8' | 'name-too-long' | 'symlink' | 'submodule';
  /** One line for the report: the file, why, and for a size the size and the cap. */
  note: string;
}

export type SymbolKind = 'function' | 'method' | 'class';

export interface ChangedSymbol {
  file: string;
  /** `name` for a top-level function/class, `Class.method` for a method. */
  qualifiedName: string;
  kind: SymbolKind;
  change: 'added' | 'modified' | 'deleted';
  /** Range of the symbol on head (on base for a deleted symbol). */
  range: LineRange;
  /** The definition's first line(s), e.g. `def apply_discount(price: float, pct: int) -> float`. */
  signature: string;
}

/** What git says about `base...head`: files and line ranges only (git knows no language). */
export interface GitDiff {
  baseSha: string;
  headSha: string;
  /** `git merge-base base head`: the diff is `base...head`. */
  mergeBaseSha: string;
  files: ChangedFile[];
}

/** The diff as the stages read it: git's files plus the changed symbols the language plug-ins found (ingest). */
export interface DiffSummary extends GitDiff {
  symbols: ChangedSymbol[];
  /** Changed files left out by ingest (binary, over the size cap, names it cannot use); absent in older runs. */
  skipped?: SkippedFile[];
}

/** A per-run checkout that no other run shares. Removed by `dispose()` when the run ends. */
export interface Workspace {
  /** Host path of the checkout (at head). */
  dir: string;
  baseSha: string;
  headSha: string;
  dispose(): Promise<void>;
}

/** Where a workspace comes from. Credentials reach git through the environment of the git process only. */
export type WorkspaceSource =
  | { kind: 'local'; repoPath: string; baseRef: string; headRef: string }
  | { kind: 'remote'; cloneUrl: string; baseRef: string; headRef: string; token?: string };

/** The port the pipeline sees; src/git/ (simple-git) implements it. */
export interface GitPort {
  prepareWorkspace(source: WorkspaceSource, runId: string): Promise<Workspace>;
  /** `base...head` inside a workspace (or any checkout). */
  diff(dir: string, baseRef: string, headRef: string): Promise<GitDiff>;
  /** Materialise the tree of `ref` into `destDir` (e.g. the base code, for fail-to-pass). */
  exportTree(dir: string, ref: string, destDir: string): Promise<void>;
  /** Read one file at a ref; undefined if it does not exist there. */
  readFileAt(dir: string, ref: string, path: string): Promise<string | undefined>;
  /** Read many files at a ref in one go (path → text, for those that exist); optional for fakes. */
  readFilesAt?(dir: string, ref: string, paths: string[]): Promise<Map<string, string>>;
  /** Messages of the commits `base..head` (no merges), oldest first, at most `max`; optional for fakes. */
  commitMessages?(dir: string, base: string, head: string, max?: number): Promise<Array<{ sha: string; message: string }>>;
}
