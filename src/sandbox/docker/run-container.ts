import type { ContainerSpec, EndReason, ExecResult, ExecSpec } from '../port.js';
import type { DockerClient } from './client.js';
import { BoundedOutput } from './bounded-output.js';
import { buildCreateOptions, resolveLimits, sandboxLabels } from './container-config.js';
import { toSandboxError } from './engine-errors.js';
import { raceEnd, settleWithin, streamEnded } from './race.js';
import { collectScratchFiles, createScratchDir, ensureTraversable, removeDir, scratchUsage, watchScratch } from './scratch.js';

export interface SandboxContext {
  docker: DockerClient;
  /** For error messages (DOCKER_HOST); never passed into a container. */
  env: NodeJS.ProcessEnv;
  instanceId: string;
  tempRoot: string;
}

export interface RunOptions {
  network?: 'none' | 'bridge';
  tmpfsSizeMb?: number;
  /** Use this host folder as /scratch and leave it in place (prepare); otherwise a temp one is made and removed. */
  scratchDir?: string;
  /** Overrides SandboxLimits.maxScratchBytes (prepare installs dependencies into its scratch folder). */
  maxScratchBytes?: number;
  /** How often /scratch is measured (default SCRATCH_POLL_MS). */
  scratchPollMs?: number;
}

/** The line appended to stderr when the scratch watcher killed a command. */
export function diskLimitMessage(maxBytes: number, usedBytes: number): string {
  const mb = (n: number): string => `${Math.round(n / (1024 * 1024))} MB`;
  return `\n[tfactory] killed: /scratch used ${mb(usedBytes)}, over its limit of ${mb(maxBytes)} (disk-limit)\n`;
}

/**
 * Watches the scratch folder for the life of one command: `signal` aborts when it passes the limit
 * (or when the caller's signal aborts); `hit` says which.
 */
export function scratchGuard(scratchDir: string, maxBytes: number, outer?: AbortSignal, intervalMs?: number): { signal: AbortSignal; hit: () => number | undefined; stop: () => void } {
  const ac = new AbortController();
  let used: number | undefined;
  const stop = watchScratch(scratchDir, maxBytes, (bytes) => {
    used = bytes;
    ac.abort();
  }, intervalMs);
  return { signal: outer ? AbortSignal.any([outer, ac.signal]) : ac.signal, hit: () => used, stop };
}

/**
 * A command that ended by itself may still have passed the scratch limit between two polls (the fsize
 * limit stops a single file one byte over it): one last measure says so. Returns the bytes used if over.
 */
export async function scratchOverAfter(kind: string, scratchDir: string, maxBytes: number): Promise<number | undefined> {
  if (kind !== 'done') return undefined;
  const used = await scratchUsage(scratchDir, maxBytes);
  return used > maxBytes ? used : undefined;
}

export function cancelledResult(): ExecResult {
  return { exitCode: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false, durationMs: 0, endReason: 'cancelled', files: [] };
}

type Inspected = { State?: { OOMKilled?: boolean } } | undefined;
const OOM_SETTLE_TRIES = 10;
const OOM_SETTLE_MS = 100;

/**
 * Whether the kernel's out-of-memory killer ended the container. Docker learns of an OOM kill from an
 * event of its own, which can arrive after the container's exit has been recorded: a 137 exit (a
 * SIGKILL) whose state does not say OOMKilled yet is asked again for up to a second.
 */
export async function settledOomKilled(exitCode: number | undefined, inspect: () => Promise<Inspected>): Promise<boolean> {
  if ((await inspect().catch(() => undefined))?.State?.OOMKilled) return true;
  if (exitCode !== 137) return false;
  for (let i = 0; i < OOM_SETTLE_TRIES; i += 1) {
    await new Promise((r) => setTimeout(r, OOM_SETTLE_MS));
    if ((await inspect().catch(() => undefined))?.State?.OOMKilled) return true;
  }
  return false;
}

/** 137 = 128 + SIGKILL: killed from outside the process (pids/memory pressure, a kill). */
export function classifyExit(code: number, oomKilled: boolean): { endReason: EndReason; exitCode: number | null } {
  if (oomKilled) return { endReason: 'oom', exitCode: null };
  if (code === 137) return { endReason: 'killed', exitCode: null };
  return { endReason: 'exited', exitCode: code };
}

/** Makes the read-only mounts readable by the runner uid (see ensureTraversable). */
export async function prepareMounts(spec: ContainerSpec): Promise<void> {
  await ensureTraversable(spec.workspace);
  for (const m of spec.mounts ?? []) if (m.readOnly) await ensureTraversable(m.hostPath);
}

/** One command in a fresh hardened container, removed afterwards whatever happens. */
export async function runInContainer(ctx: SandboxContext, spec: ContainerSpec, exec: ExecSpec, signal?: AbortSignal, opts: RunOptions = {}): Promise<ExecResult> {
  if (signal?.aborted) return cancelledResult();
  const limits = resolveLimits(spec);
  const timeoutMs = exec.timeoutMs ?? limits.timeoutMs;
  await prepareMounts(spec);
  const ownScratch = opts.scratchDir === undefined;
  const scratchDir = opts.scratchDir ?? (await createScratchDir(ctx.tempRoot));
  let container: Awaited<ReturnType<DockerClient['createContainer']>> | undefined;
  try {
    const stdin = exec.stdin !== undefined;
    try {
      container = await ctx.docker.createContainer(buildCreateOptions({
        spec, scratchDir, cmd: exec.cmd, exec, stdin,
        labels: sandboxLabels(ctx.instanceId, { ...spec.labels, 'tfactory.mode': 'run' }),
        network: opts.network ?? 'none',
        maxScratchBytes: opts.maxScratchBytes ?? limits.maxScratchBytes,
        ...(opts.tmpfsSizeMb ? { tmpfsSizeMb: opts.tmpfsSizeMb } : {}),
      }));
    } catch (err) {
      throw toSandboxError(err, ctx.env, spec.image);
    }
    const stdout = new BoundedOutput(limits.maxOutputBytes);
    const stderr = new BoundedOutput(limits.maxOutputBytes);
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true, stdin, hijack: stdin })) as NodeJS.ReadWriteStream;
    ctx.docker.modem.demuxStream(stream, stdout, stderr);
    const ended = streamEnded(stream);
    // 'next-exit': the default ('not-running') answers at once for a container that is only created.
    const waited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    const started = Date.now();
    try {
      await container.start();
    } catch (err) {
      throw toSandboxError(err, ctx.env, spec.image);
    }
    if (stdin) {
      stream.write(exec.stdin ?? '');
      stream.end();
    }
    const maxScratch = opts.maxScratchBytes ?? limits.maxScratchBytes;
    const guard = scratchGuard(scratchDir, maxScratch, signal, opts.scratchPollMs);
    const outcome = await raceEnd(waited, timeoutMs, guard.signal).finally(guard.stop);
    const diskHit = outcome.kind === 'cancelled' && !signal?.aborted ? guard.hit() : await scratchOverAfter(outcome.kind, scratchDir, maxScratch);
    if (outcome.kind !== 'done') {
      await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
      await settleWithin(waited, 10_000);
    }
    const durationMs = Date.now() - started;
    await settleWithin(ended, 2_000);
    const created = container;
    let endReason: EndReason;
    let exitCode: number | null;
    if (outcome.kind === 'done') {
      const oom = await settledOomKilled(outcome.value.StatusCode, () => created.inspect());
      ({ endReason, exitCode } = classifyExit(outcome.value.StatusCode, oom));
    } else ({ endReason, exitCode } = { endReason: outcome.kind, exitCode: null });
    if (diskHit !== undefined) ({ endReason, exitCode } = { endReason: 'disk-limit', exitCode: null });
    const diskNote = diskHit === undefined ? '' : diskLimitMessage(maxScratch, diskHit);
    return {
      exitCode, endReason, durationMs,
      stdout: stdout.text(), stderr: stderr.text() + diskNote,
      stdoutTruncated: stdout.truncated, stderrTruncated: stderr.truncated,
      files: ownScratch ? await collectScratchFiles(scratchDir) : [],
    };
  } finally {
    if (container) await container.remove({ force: true, v: true }).catch(() => undefined);
    if (ownScratch) await removeDir(scratchDir).catch(() => undefined);
  }
}
