import type { Readable } from 'node:stream';

/**
 * What image management needs from a container engine. src/sandbox/docker implements it with
 * dockerode (the only place that library is imported); tests may pass a fake.
 */
export interface ImageEngine {
  /** Throws TfError ENGINE_UNREACHABLE (within a few seconds) when no engine answers. */
  ping(): Promise<void>;
  imageExists(ref: string): Promise<boolean>;
  /** Repository:tag references present locally whose repository is `repository`. */
  listTags(repository: string): Promise<string[]>;
  /** Pull; resolves false when it fails or does not finish within `timeoutMs`. */
  tryPull(ref: string, timeoutMs: number): Promise<boolean>;
  /** Build from a tar stream of the context; `onLine` receives each progress line. */
  build(opts: BuildOptions, onLine: (line: string) => void): Promise<void>;
  /** `docker import` of a root filesystem tar stream as `ref`. */
  importRootfs(tar: Readable, ref: string): Promise<void>;
}

export interface BuildOptions {
  context: Readable;
  tag: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
}
