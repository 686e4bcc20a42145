import { randomUUID } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageEngine } from '../images/engine.js';
import type { ContainerSpec, EngineInfo, ExecSpec, SandboxPort } from '../port.js';
import { createDockerClient, ENGINE_HINT, pingEngine, PING_TIMEOUT_MS, withTimeout, type DockerClient } from './client.js';
import { createDockerImageEngine } from './image-engine.js';
import { removeOrphanResources, type RemovedOrphans, type RemoveOrphansOptions } from './orphans.js';
import { prepareDeps } from './prepare.js';
import { runInContainer, type SandboxContext } from './run-container.js';
import { openDockerSession } from './session.js';

export interface DockerSandboxOptions {
  /** Where DOCKER_HOST is read from (default process.env). Never passed into a container. */
  env?: NodeJS.ProcessEnv;
  /** An existing client; otherwise one is made from env. */
  docker?: DockerClient;
  /** Parent of the per-run scratch folders (default os.tmpdir()). */
  tempRoot?: string;
  /** Host cache of prepared dependencies (default $TFACTORY_CACHE_DIR/deps or ~/.cache/tfactory/deps). */
  cacheDir?: string;
}

export interface DockerSandbox extends SandboxPort {
  /** Labels `tfactory.sandbox=<instanceId>` on every container this sandbox makes. */
  readonly instanceId: string;
  readonly images: ImageEngine;
  /** Removes leftover containers and temp folders (default: those whose creating process is gone). */
  removeOrphans(opts?: RemoveOrphansOptions): Promise<RemovedOrphans>;
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env.TFACTORY_CACHE_DIR ? join(env.TFACTORY_CACHE_DIR, 'deps') : join(homedir(), '.cache', 'tfactory', 'deps');
}

/** The Docker implementation of SandboxPort. */
export function createDockerSandbox(opts: DockerSandboxOptions = {}): DockerSandbox {
  const env = opts.env ?? process.env;
  const docker = opts.docker ?? createDockerClient(env);
  const instanceId = randomUUID();
  const tempRoot = opts.tempRoot ?? tmpdir();
  const cacheDir = opts.cacheDir ?? defaultCacheDir(env);
  const ctx: SandboxContext = { docker, env, instanceId, tempRoot };
  return {
    instanceId,
    images: createDockerImageEngine(docker, env),

    async ping(): Promise<EngineInfo> {
      try {
        await pingEngine(docker, env);
        const v = await withTimeout(docker.version(), PING_TIMEOUT_MS, () => new Error('version timed out'));
        return { reachable: true, version: v.Version, apiVersion: v.ApiVersion, os: `${v.Os}/${v.Arch}` };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { reachable: false, error: `${message}\n  → ${ENGINE_HINT}` };
      }
    },

    async run(container: ContainerSpec, exec: ExecSpec, signal?: AbortSignal) {
      await pingEngine(docker, env);
      return runInContainer(ctx, container, exec, signal);
    },

    async openSession(container: ContainerSpec, signal?: AbortSignal) {
      await pingEngine(docker, env);
      return openDockerSession(ctx, container, signal);
    },

    async prepare(spec, signal) {
      await pingEngine(docker, env);
      return prepareDeps(ctx, spec, cacheDir, signal);
    },

    removeOrphans: (o) => removeOrphanResources(docker, tempRoot, o),
  };
}
