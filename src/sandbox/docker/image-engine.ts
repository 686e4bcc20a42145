import { toSandboxError } from './engine-errors.js';
import type { Readable } from 'node:stream';
import { TfError } from '../../errors.js';
import type { BuildOptions, ImageEngine } from '../images/engine.js';
import { pingEngine, withTimeout, type DockerClient } from './client.js';

interface ProgressEvent { stream?: string; status?: string; progress?: string; error?: string; errorDetail?: { message?: string } }

function follow(docker: DockerClient, stream: NodeJS.ReadableStream, onEvent: (e: ProgressEvent) => void): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, out: ProgressEvent[]) => (err ? reject(err) : resolve(out)),
      (e: ProgressEvent) => onEvent(e),
    );
  });
}

function statusCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? Number((err as { statusCode: unknown }).statusCode) : undefined;
}

/** ImageEngine over dockerode (build uses the legacy builder with a tar context). */
export function createDockerImageEngine(docker: DockerClient, env: NodeJS.ProcessEnv = process.env): ImageEngine {
  return {
    ping: () => pingEngine(docker, env),

    async imageExists(ref) {
      try {
        await docker.getImage(ref).inspect();
        return true;
      } catch (err) {
        if (statusCode(err) === 404) return false;
        throw toSandboxError(err, env);
      }
    },

    async listTags(repository) {
      const images = await docker.listImages({ filters: JSON.stringify({ reference: [repository] }) }).catch((err: unknown) => {
        throw toSandboxError(err, env);
      });
      return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`${repository}:`)).sort();
    },

    async tryPull(ref, timeoutMs) {
      let stream: NodeJS.ReadableStream | undefined;
      try {
        const pulled = (async () => {
          stream = (await docker.pull(ref)) as NodeJS.ReadableStream;
          const events = await follow(docker, stream, () => undefined);
          return !events.some((e) => e.error);
        })();
        return await withTimeout(pulled, timeoutMs, () => new Error('pull timed out'));
      } catch {
        (stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
        return false;
      }
    },

    async build(opts: BuildOptions, onLine) {
      const stream = await docker.buildImage(opts.context as unknown as NodeJS.ReadableStream, {
        t: opts.tag,
        buildargs: opts.buildArgs,
        labels: opts.labels,
        rm: true,
        forcerm: true,
        pull: false,
      } as Parameters<DockerClient['buildImage']>[1]);
      let failure: string | undefined;
      await follow(docker, stream, (e) => {
        if (e.error) failure = e.errorDetail?.message ?? e.error;
        const text = e.stream ?? e.status ?? e.error;
        if (text) for (const line of text.split('\n')) if (line.trim()) onLine(line.trimEnd());
      });
      if (failure) {
        throw new TfError('IMAGE_BUILD_FAILED', `building ${opts.tag} failed: ${failure}`, { details: { image: opts.tag, error: failure } });
      }
    },

    async importRootfs(tar: Readable, ref) {
      const [repo, tag] = splitRef(ref);
      const stream = await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo, tag });
      const events = await follow(docker, stream, () => undefined);
      const failed = events.find((e) => e.error);
      if (failed) throw new TfError('IMAGE_BUILD_FAILED', `docker import of ${ref} failed: ${failed.error}`, { details: { image: ref } });
    },
  };
}

function splitRef(ref: string): [string, string] {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}
