import type { ContainerSpec, ExecResult, ExecSpec, SandboxPort, SandboxSession, ScratchFile } from '../../src/sandbox/port.js';

/** What the fake answers for one command: an exit code, output, and files left in the scratch folder. */
export interface FakeReply {
  exitCode?: number | null;
  stdout?: string;
  stderr?: string;
  endReason?: ExecResult['endReason'];
  files?: Array<{ path: string; content: string }>;
}

export type FakeHandler = (container: ContainerSpec, exec: ExecSpec) => FakeReply | Promise<FakeReply>;

export interface FakeSandbox extends SandboxPort {
  /** Every command run, with its container, in order. */
  readonly calls: Array<{ container: ContainerSpec; exec: ExecSpec }>;
  readonly prepared: number;
}

function toResult(reply: FakeReply): ExecResult {
  const files: ScratchFile[] = (reply.files ?? []).map((f) => ({ path: f.path, content: Buffer.from(f.content) }));
  return {
    exitCode: reply.exitCode === undefined ? 0 : reply.exitCode,
    stdout: reply.stdout ?? '',
    stderr: reply.stderr ?? '',
    stdoutTruncated: false,
    stderrTruncated: false,
    durationMs: 1,
    endReason: reply.endReason ?? 'exited',
    files,
  };
}

/**
 * A SandboxPort for unit tests of the stages: no container, every command answered by `handler`.
 * The real sandbox is tested against a real Docker engine (test/sandbox, test/integration).
 */
export function createFakeSandbox(handler: FakeHandler): FakeSandbox {
  const calls: FakeSandbox['calls'] = [];
  let prepared = 0;
  const run = async (container: ContainerSpec, exec: ExecSpec): Promise<ExecResult> => {
    calls.push({ container, exec });
    return toResult(await handler(container, exec));
  };
  return {
    calls,
    get prepared() {
      return prepared;
    },
    ping: async () => ({ reachable: true, version: 'fake' }),
    run,
    async openSession(container: ContainerSpec): Promise<SandboxSession> {
      return {
        id: `fake-${calls.length}`,
        exec: (exec) => run(container, exec),
        clearScratch: async () => {},
        close: async () => {},
      };
    },
    async prepare(spec) {
      prepared++;
      return { hostPath: `/fake/deps/${spec.kind}`, cacheKey: 'fake', cached: false };
    },
  };
}
