import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { TfError } from '../../errors.js';
import { SANDBOX_PATHS, type PreparedDeps, type PrepareSpec } from '../port.js';
import { runInContainer, type SandboxContext } from './run-container.js';
import { removeDir, RUNNER_GID, RUNNER_UID } from './scratch.js';

const MARKER = '.tfactory-complete';
const PREPARE_TIMEOUT_MS = 15 * 60_000;
/** Installed dependencies may be big, but not unbounded: 4 GB, measured every 2 s (node_modules is a long walk). */
const PREPARE_MAX_BYTES = 4 * 1024 ** 3;
const PREPARE_POLL_MS = 2_000;

/** Cache key: sha256 over the kind, the image and the lockfile's content. */
export function prepareCacheKey(kind: PrepareSpec['kind'], image: string, lockfile: Buffer): string {
  return createHash('sha256').update(`${kind}\0${image}\0`).update(lockfile).digest('hex').slice(0, 32);
}

/** The variables a test container needs to see the prepared dependencies mounted at /deps. */
export function depsEnv(kind: PrepareSpec['kind']): Record<string, string> {
  return kind === 'npm'
    ? { NODE_PATH: `${SANDBOX_PATHS.packages}/node_modules` }
    : { PYTHONPATH: `${SANDBOX_PATHS.packages}/python` };
}

function installScript(spec: PrepareSpec): string[] {
  const project = posix.join(SANDBOX_PATHS.workspace, spec.projectRoot || '.');
  const lock = posix.join(SANDBOX_PATHS.workspace, spec.lockfile);
  const out = SANDBOX_PATHS.scratch;
  if (spec.kind === 'npm') {
    const scripts = spec.installScripts ? '' : ' --ignore-scripts';
    return ['sh', '-c', `set -e; cp "$0/package.json" "$1" "${out}/"; cd "${out}"; npm ci --no-audit --no-fund${scripts}`, project, lock];
  }
  return ['sh', '-c', `set -e; python3 -m pip install --no-cache-dir --disable-pip-version-check --no-input --target "${out}/python" -r "$0"`, lock];
}

/**
 * The only step with network (bridge): installs the project's dependencies into a host cache folder
 * keyed by the lockfile hash (+ image), reused when present. Test containers mount it read-only.
 */
export async function prepareDeps(ctx: SandboxContext, spec: PrepareSpec, cacheRoot: string, signal?: AbortSignal): Promise<PreparedDeps> {
  let lock: Buffer;
  try {
    lock = await readFile(join(spec.workspace, spec.lockfile));
  } catch (err) {
    throw new TfError('PREPARE_FAILED', `lockfile ${spec.lockfile} not found in the checkout`, { details: { lockfile: spec.lockfile }, cause: err });
  }
  const cacheKey = prepareCacheKey(spec.kind, spec.image, lock);
  const hostPath = join(cacheRoot, cacheKey);
  const env = depsEnv(spec.kind);
  if (existsSync(join(hostPath, MARKER))) return { hostPath, cacheKey, cached: true, env };

  await mkdir(cacheRoot, { recursive: true });
  const work = await mkdtemp(join(cacheRoot, `${cacheKey}.tmp-`));
  try {
    await chown(work, RUNNER_UID, RUNNER_GID).catch(() => chmod(work, 0o777));
    const result = await runInContainer(
      ctx,
      { image: spec.image, workspace: spec.workspace, labels: { 'tfactory.mode': 'prepare' }, limits: { timeoutMs: PREPARE_TIMEOUT_MS, memoryBytes: 2 * 1024 ** 3, nanoCpus: 2e9, pids: 512 } },
      {
        cmd: installScript(spec),
        env: spec.kind === 'npm' ? { npm_config_cache: '/tmp/.npm', HOME: '/home/runner' } : { PIP_BREAK_SYSTEM_PACKAGES: '1', HOME: '/home/runner' },
      },
      signal,
      { network: 'bridge', tmpfsSizeMb: 1024, scratchDir: work, maxScratchBytes: PREPARE_MAX_BYTES, scratchPollMs: PREPARE_POLL_MS },
    );
    if (result.endReason === 'cancelled') throw new TfError('RUN_CANCELLED', 'dependency preparation cancelled');
    if (result.endReason !== 'exited' || result.exitCode !== 0) {
      throw new TfError('PREPARE_FAILED', `${spec.kind} install failed (${result.endReason}, exit ${result.exitCode})`, {
        details: { exitCode: result.exitCode, endReason: result.endReason, stderr: result.stderr.slice(-4000), stdout: result.stdout.slice(-2000) },
      });
    }
    await writeFile(join(work, MARKER), `${new Date().toISOString()}\n`);
    if (existsSync(join(hostPath, MARKER))) return { hostPath, cacheKey, cached: true, env };
    await removeDir(hostPath);
    await rename(work, hostPath);
    return { hostPath, cacheKey, cached: false, env };
  } finally {
    await removeDir(work).catch(() => undefined);
  }
}
