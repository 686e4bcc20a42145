/**
 * The sandbox port: everything that runs someone else's code goes through it.
 * src/sandbox/docker/ implements it with dockerode; tests of other stages may use a fake.
 */

/** Paths inside every sandbox container. */
export const SANDBOX_PATHS = {
  /** The checkout, read-only. */
  workspace: '/workspace',
  /** A scratch folder, read-write; files written here come back in the result. */
  scratch: '/scratch',
  /** Prepared dependencies (node_modules, python site-packages), read-only. */
  packages: '/deps',
  /** Extra read-only tools that TFactory brings (its own python helpers, typescript). */
  tools: '/opt/tfactory',
  /**
   * TFactory's own writable tmpfs (the grader's job, output and temp files, exec pid files), separate
   * from /tmp and size-limited on its own, so a test that fills /tmp cannot starve the grader.
   */
  graderTmp: '/run/tfactory',
} as const;

export interface SandboxLimits {
  memoryBytes: number;
  /** CPU in units of 1e-9 CPUs (Docker's NanoCpus). */
  nanoCpus: number;
  pids: number;
  /** Hard wall-clock limit; the process (or container) is killed after it. */
  timeoutMs: number;
  /** Cap on captured stdout and on stderr, each. */
  maxOutputBytes: number;
  /**
   * Cap on the disk used under /scratch (a host folder). Watched from the host while a command runs;
   * past it the command is killed with endReason 'disk-limit'. The bound holds up to one poll
   * interval (SCRATCH_POLL_MS) of writing past the limit.
   */
  maxScratchBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 1024 * 1024 * 1024,
  nanoCpus: 1_000_000_000,
  pids: 256,
  timeoutMs: 120_000,
  maxOutputBytes: 1024 * 1024,
  maxScratchBytes: 256 * 1024 * 1024,
};

export interface ExtraMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ExecSpec {
  cmd: string[];
  /** Working directory inside the container; defaults to SANDBOX_PATHS.workspace. */
  cwd?: string;
  /** Only these variables are set: nothing of the host's environment leaks in. */
  env?: Record<string, string>;
  timeoutMs?: number;
  stdin?: string;
}

export interface ContainerSpec {
  /** Runner image reference (see src/sandbox/images). */
  image: string;
  /** Host path mounted read-only at SANDBOX_PATHS.workspace. */
  workspace: string;
  mounts?: ExtraMount[];
  limits?: Partial<SandboxLimits>;
  /** Labels added to the container (run id, purpose) so it can be found and cleaned up. */
  labels?: Record<string, string>;
}

/** 'disk-limit': /scratch grew past SandboxLimits.maxScratchBytes and the command was killed. */
export type EndReason = 'exited' | 'timeout' | 'oom' | 'killed' | 'cancelled' | 'disk-limit';

export interface ScratchFile {
  /** Path relative to the scratch folder. */
  path: string;
  content: Buffer;
}

export interface ExecResult {
  /** null when the process did not exit by itself (timeout, kill). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  durationMs: number;
  endReason: EndReason;
  /** Files in the scratch folder after the command (bounded in count and size). */
  files: ScratchFile[];
}

/** One container kept for several commands (exec), so a stage does not pay a start per test. */
export interface SandboxSession {
  readonly id: string;
  exec(spec: ExecSpec, signal?: AbortSignal): Promise<ExecResult>;
  /** Empty the scratch folder between commands. */
  clearScratch(): Promise<void>;
  close(): Promise<void>;
}

export interface PrepareSpec {
  image: string;
  workspace: string;
  /** Repo-relative project root inside the workspace. */
  projectRoot: string;
  kind: 'npm' | 'pnpm' | 'yarn' | 'pip';
  /** Lockfile (repo-relative) whose content hash keys the cache. */
  lockfile: string;
  /** npm only: run install scripts (off by default: `npm ci --ignore-scripts`). */
  installScripts?: boolean;
}

export interface PreparedDeps {
  /** Host folder holding the installed dependencies, to mount at SANDBOX_PATHS.packages. */
  hostPath: string;
  cacheKey: string;
  cached: boolean;
  /** Variables a test exec needs to find the deps mounted at SANDBOX_PATHS.packages (NODE_PATH / PYTHONPATH). */
  env?: Record<string, string>;
  /** Where the extra CA certificates trusted by the install came from (absent: none, or reused from the cache). */
  caSource?: string;
}

export interface EngineInfo {
  reachable: boolean;
  version?: string;
  apiVersion?: string;
  os?: string;
  error?: string;
}

export interface SandboxPort {
  ping(): Promise<EngineInfo>;
  /** One command in a fresh container, removed afterwards whatever happens. */
  run(container: ContainerSpec, exec: ExecSpec, signal?: AbortSignal): Promise<ExecResult>;
  openSession(container: ContainerSpec, signal?: AbortSignal): Promise<SandboxSession>;
  /** The only step with network: install the project's dependencies, cached by lockfile hash. */
  prepare(spec: PrepareSpec, signal?: AbortSignal): Promise<PreparedDeps>;
}
