import { randomUUID } from 'node:crypto';
import { TfError } from '../../errors.js';
import { SANDBOX_PATHS, type ContainerSpec, type EndReason, type ExecResult, type ExecSpec, type SandboxSession } from '../port.js';
import { BoundedOutput } from './bounded-output.js';
import { buildCreateOptions, resolveLimits, RUNNER_USER, sandboxLabels, toEnvList } from './container-config.js';
import { toSandboxError } from './engine-errors.js';
import { raceEnd, settleWithin, streamEnded } from './race.js';
import { cancelledResult, classifyExit, diskLimitMessage, prepareMounts, scratchGuard, scratchOverAfter, settledOomKilled, type SandboxContext } from './run-container.js';
import { collectScratchFiles, createScratchDir, emptyDir, removeDir } from './scratch.js';

type Container = Awaited<ReturnType<SandboxContext['docker']['createContainer']>>;

/**
 * Each exec runs as its own process group (setsid) and records its pid, so a timeout can kill the
 * whole group from outside; `$0` is the pid file, "$@" the command.
 */
export function wrapCommand(cmd: string[], pidFile: string): string[] {
  return ['setsid', '-w', 'sh', '-c', 'echo $$ > "$0"; exec "$@"', pidFile, ...cmd];
}

class DockerSession implements SandboxSession {
  private closed = false;
  private broken: string | undefined;
  private counter = 0;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly spec: ContainerSpec,
    private readonly container: Container,
    private readonly scratchDir: string,
  ) {}

  get id(): string {
    return this.container.id;
  }

  async exec(exec: ExecSpec, signal?: AbortSignal): Promise<ExecResult> {
    if (this.closed) throw new TfError('SANDBOX_FAILED', 'sandbox session is closed', { details: { session: this.id } });
    if (this.broken) throw new TfError('SANDBOX_FAILED', `sandbox session is unusable: ${this.broken}`, { details: { session: this.id } });
    if (signal?.aborted) return cancelledResult();
    const limits = resolveLimits(this.spec);
    const timeoutMs = exec.timeoutMs ?? limits.timeoutMs;
    const pidFile = `${SANDBOX_PATHS.graderTmp}/.tfactory-exec-${++this.counter}.pid`; // not /tmp: a test may fill it
    const stdin = exec.stdin !== undefined;
    let handle;
    try {
      handle = await this.container.exec({
        Cmd: wrapCommand(exec.cmd, pidFile),
        Env: toEnvList(exec.env),
        WorkingDir: exec.cwd ?? SANDBOX_PATHS.workspace,
        User: RUNNER_USER,
        AttachStdout: true, AttachStderr: true, AttachStdin: stdin, Tty: false,
      });
    } catch (err) {
      throw toSandboxError(err, this.ctx.env, this.spec.image);
    }
    const started = Date.now();
    const stream = (await handle.start({ hijack: true, stdin })) as NodeJS.ReadWriteStream;
    const stdout = new BoundedOutput(limits.maxOutputBytes);
    const stderr = new BoundedOutput(limits.maxOutputBytes);
    this.ctx.docker.modem.demuxStream(stream, stdout, stderr);
    const ended = streamEnded(stream);
    if (stdin) {
      stream.write(exec.stdin ?? '');
      stream.end();
    }
    const guard = scratchGuard(this.scratchDir, limits.maxScratchBytes, signal);
    const outcome = await raceEnd(ended, timeoutMs, guard.signal).finally(guard.stop);
    const diskHit = outcome.kind === 'cancelled' && !signal?.aborted ? guard.hit() : await scratchOverAfter(outcome.kind, this.scratchDir, limits.maxScratchBytes);
    if (outcome.kind !== 'done') await this.killExec(pidFile, ended);
    const durationMs = Date.now() - started;
    let endReason: EndReason = outcome.kind === 'done' ? 'exited' : diskHit === undefined ? outcome.kind : 'disk-limit';
    let exitCode: number | null = null;
    if (outcome.kind === 'done') {
      const info = await handle.inspect();
      const oom = info.ExitCode === 137 ? await settledOomKilled(info.ExitCode, () => this.container.inspect()) : false;
      ({ endReason, exitCode } = classifyExit(info.ExitCode ?? -1, oom));
      if (diskHit !== undefined) ({ endReason, exitCode } = { endReason: 'disk-limit', exitCode: null });
    }
    (stream as unknown as { destroy?: () => void }).destroy?.();
    return {
      exitCode, endReason, durationMs,
      stdout: stdout.text(), stderr: stderr.text() + (diskHit === undefined ? '' : diskLimitMessage(limits.maxScratchBytes, diskHit)),
      stdoutTruncated: stdout.truncated, stderrTruncated: stderr.truncated,
      files: await collectScratchFiles(this.scratchDir),
    };
  }

  /** Kill the exec's process group from a second exec; if that does not end it, kill the container. */
  private async killExec(pidFile: string, ended: Promise<void>): Promise<void> {
    try {
      const killer = await this.container.exec({
        Cmd: ['sh', '-c', 'pid=$(cat "$0" 2>/dev/null) && kill -9 -"$pid"', pidFile],
        User: RUNNER_USER, AttachStdout: true, AttachStderr: true,
      });
      const s = (await killer.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
      s.resume();
      await settleWithin(streamEnded(s), 5_000);
    } catch {
      // fall through to the container kill below
    }
    if (await settleWithin(ended, 3_000)) return;
    this.broken = 'an exec could not be stopped; the container was killed';
    await this.container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
    await settleWithin(ended, 3_000);
  }

  async clearScratch(): Promise<void> {
    await emptyDir(this.scratchDir);
  }

  private readonly closeHooks: Array<() => void> = [];

  /** Called once when the session closes (whoever closes it). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const hook of this.closeHooks.splice(0)) hook();
    await this.container.remove({ force: true, v: true }).catch(() => undefined);
    await removeDir(this.scratchDir).catch(() => undefined);
  }
}

/** One container kept alive (`sleep infinity` under an init) for several execs. */
export async function openDockerSession(ctx: SandboxContext, spec: ContainerSpec, signal?: AbortSignal): Promise<SandboxSession> {
  if (signal?.aborted) throw new TfError('RUN_CANCELLED', 'sandbox session cancelled before it opened');
  await prepareMounts(spec);
  const scratchDir = await createScratchDir(ctx.tempRoot);
  let container: Container | undefined;
  try {
    container = await ctx.docker.createContainer(buildCreateOptions({
      spec, scratchDir, cmd: ['sleep', 'infinity'], stdin: false, network: 'none',
      labels: sandboxLabels(ctx.instanceId, { ...spec.labels, 'tfactory.mode': 'session', 'tfactory.session': randomUUID() }),
    }));
    await container.start();
  } catch (err) {
    if (container) await container.remove({ force: true }).catch(() => undefined);
    await removeDir(scratchDir).catch(() => undefined);
    throw toSandboxError(err, ctx.env, spec.image);
  }
  const session = new DockerSession(ctx, spec, container, scratchDir);
  if (signal) {
    // The run's signal outlives many sessions: the listener goes with the session, or listeners pile up.
    const onAbort = (): void => void session.close();
    signal.addEventListener('abort', onAbort, { once: true });
    session.onClose(() => signal.removeEventListener('abort', onAbort));
  }
  return session;
}
