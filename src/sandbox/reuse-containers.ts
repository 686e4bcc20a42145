import type { ContainerSpec, ExecResult, ExecSpec, SandboxPort, SandboxSession } from './port.js';

/**
 * A SandboxPort for one stage that keeps one container per distinct container spec: every `run`
 * with the same image, workspace, mounts, limits (and PART_LABEL) becomes an exec in the same session instead of
 * a new container (the hardening is the same: it is the same kind of container). The stage closes
 * it at its end; `containersStarted` counts what it really started, for the benchmark.
 */
export interface ReusingSandbox extends SandboxPort {
  close(): Promise<void>;
  containersStarted(): number;
}

/** The label that keeps each part of a grader split in parts in a container of its own. */
export const PART_LABEL = 'tfactory.part';

function keyOf(spec: ContainerSpec): string {
  const { timeoutMs: _timeout, ...limits } = spec.limits ?? {};
  const mounts = [...(spec.mounts ?? [])].map((m) => `${m.hostPath}>${m.containerPath}:${m.readOnly ? 'ro' : 'rw'}`).sort();
  // Labels are the container's metadata, not its kind, except the part a grader split in parts
  // (run-grader.ts) gives each of its containers: parts run side by side, never in one container.
  const part = spec.labels?.[PART_LABEL] ?? null;
  return JSON.stringify([spec.image, spec.workspace, mounts, Object.entries(limits).sort(), part]);
}

export function reuseContainers(base: SandboxPort): ReusingSandbox {
  const sessions = new Map<string, Promise<SandboxSession>>();
  // One exec at a time per session: the scratch folder is shared.
  const queues = new Map<string, Promise<unknown>>();
  let started = 0;
  return {
    ping: () => base.ping(),
    prepare: (spec, signal) => base.prepare(spec, signal),
    openSession: (spec, signal) => base.openSession(spec, signal),
    async run(container: ContainerSpec, exec: ExecSpec, signal?: AbortSignal): Promise<ExecResult> {
      const key = keyOf(container);
      let session = sessions.get(key);
      if (!session) {
        session = base.openSession(container, signal);
        sessions.set(key, session);
        started++;
        session.catch(() => sessions.delete(key));
      }
      const open = await session;
      const previous = queues.get(key) ?? Promise.resolve();
      const mine = previous.catch(() => undefined).then(async () => {
        await open.clearScratch();
        const timeoutMs = exec.timeoutMs ?? container.limits?.timeoutMs;
        return open.exec({ ...exec, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }, signal);
      });
      queues.set(key, mine);
      return mine;
    },
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
    },
    containersStarted: () => started,
  };
}
