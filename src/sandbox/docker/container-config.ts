import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { DEFAULT_LIMITS, SANDBOX_PATHS, type ContainerSpec, type ExecSpec, type SandboxLimits } from '../port.js';
import { RUNNER_GID, RUNNER_UID } from './scratch.js';

export const RUNNER_USER = `${RUNNER_UID}:${RUNNER_GID}`;
export const RUNNER_HOME = '/home/runner';
/** Size of the grader's own tmpfs (SANDBOX_PATHS.graderTmp). */
export const GRADER_TMP_MB = 256;

/** Labels on every container: `tfactory=1`, the sandbox instance, the creating host process. */
export function sandboxLabels(instanceId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, 'tfactory': '1', 'tfactory.sandbox': instanceId, 'tfactory.pid': String(process.pid), 'tfactory.host': hostname() };
}

function fileLimit(plan: ContainerPlan, limits: SandboxLimits): number {
  return (plan.maxScratchBytes ?? limits.maxScratchBytes) + 1;
}

export function resolveLimits(spec: ContainerSpec): SandboxLimits {
  return { ...DEFAULT_LIMITS, ...spec.limits };
}

export function toEnvList(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
}

export interface ContainerPlan {
  spec: ContainerSpec;
  scratchDir: string;
  cmd: string[];
  exec?: ExecSpec;
  labels: Record<string, string>;
  network: 'none' | 'bridge';
  /** Keep stdin open (the command reads ExecSpec.stdin). */
  stdin: boolean;
  tmpfsSizeMb?: number;
  /** The scratch limit of this container (default SandboxLimits.maxScratchBytes): also the largest file any process may write. */
  maxScratchBytes?: number;
}

/**
 * The hardened container: no network (except prepare), read-only root, tmpfs /tmp, HOME and the grader's own,
 * checkout read-only, scratch read-write, non-root, no capabilities, no-new-privileges, limits.
 * The environment is exactly ExecSpec.env (plus what the image itself declares): nothing of the host.
 */
export function buildCreateOptions(plan: ContainerPlan): Docker.ContainerCreateOptions {
  const limits = resolveLimits(plan.spec);
  const fsize = fileLimit(plan, limits);
  const tmpSize = plan.tmpfsSizeMb ?? 256;
  const binds = [
    `${plan.spec.workspace}:${SANDBOX_PATHS.workspace}:ro`,
    `${plan.scratchDir}:${SANDBOX_PATHS.scratch}:rw`,
    ...(plan.spec.mounts ?? []).map((m) => `${m.hostPath}:${m.containerPath}:${m.readOnly ? 'ro' : 'rw'}`),
  ];
  return {
    Image: plan.spec.image,
    Cmd: plan.cmd,
    Env: toEnvList(plan.exec?.env),
    WorkingDir: plan.exec?.cwd ?? SANDBOX_PATHS.workspace,
    User: RUNNER_USER,
    Labels: plan.labels,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: plan.stdin,
    OpenStdin: plan.stdin,
    StdinOnce: plan.stdin,
    Tty: false,
    NetworkDisabled: plan.network === 'none',
    HostConfig: {
      NetworkMode: plan.network,
      ReadonlyRootfs: true,
      Binds: binds,
      Tmpfs: {
        '/tmp': `rw,nosuid,nodev,size=${tmpSize}m,mode=1777`,
        [RUNNER_HOME]: `rw,nosuid,nodev,size=64m,uid=${RUNNER_UID},gid=${RUNNER_GID},mode=0700`,
        [SANDBOX_PATHS.graderTmp]: `rw,nosuid,nodev,size=${GRADER_TMP_MB}m,uid=${RUNNER_UID},gid=${RUNNER_GID},mode=0700`,
      },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: limits.pids,
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: limits.nanoCpus,
      Init: true,
      AutoRemove: false,
      Privileged: false,
      IpcMode: 'private',
      // fsize: no single file can outgrow the scratch limit, whatever the poll's delay (a fast writer on a
      // loaded host wrote ~900 MB past 256 MB before the poll's kill landed). One byte over, so the final
      // check after the command sees the limit passed (disk-limit) and not merely reached.
      Ulimits: [
        { Name: 'nofile', Soft: 4096, Hard: 4096 },
        { Name: 'fsize', Soft: fsize, Hard: fsize },
      ],
    },
  };
}
