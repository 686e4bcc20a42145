import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { TfError } from '../../errors.js';

export type DockerClient = Docker;

export const DEFAULT_SOCKET = '/var/run/docker.sock';
/** No engine answer within this time means "unreachable". */
export const PING_TIMEOUT_MS = 5_000;

export const ENGINE_HINT =
  'Start the Docker engine (e.g. `dockerd &` or `systemctl start docker`), run `bash scripts/setup.sh` to provision one, ' +
  'or set DOCKER_HOST to a reachable engine (unix:///path/to/docker.sock or tcp://host:2375).';

/** Where the engine is, from DOCKER_HOST (unix:// or tcp://) or the default socket. */
export function dockerOptionsFromEnv(env: NodeJS.ProcessEnv): Docker.DockerOptions {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return { socketPath: DEFAULT_SOCKET };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) || DEFAULT_SOCKET };
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    const tls = env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:';
    const certPath = env.DOCKER_CERT_PATH;
    return {
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      protocol: tls ? 'https' : 'http',
      ...(tls && certPath
        ? { ca: readFileSync(join(certPath, 'ca.pem')), cert: readFileSync(join(certPath, 'cert.pem')), key: readFileSync(join(certPath, 'key.pem')) }
        : {}),
    };
  }
  throw new TfError('CONFIG_INVALID', `DOCKER_HOST '${host}' is not supported`, {
    hint: 'Use unix:///path/to/docker.sock or tcp://host:port.',
  });
}

export function createDockerClient(env: NodeJS.ProcessEnv = process.env): DockerClient {
  return new Docker(dockerOptionsFromEnv(env));
}

/** A promise that rejects after `ms` (the timer does not keep the process alive). */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    promise.then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}

function describeTarget(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_HOST?.trim() || `unix://${DEFAULT_SOCKET}`;
}

export function engineUnreachable(env: NodeJS.ProcessEnv, cause: unknown): TfError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TfError('ENGINE_UNREACHABLE', `Docker engine is not reachable at ${describeTarget(env)}: ${reason}`, {
    details: { dockerHost: describeTarget(env), reason },
    hint: ENGINE_HINT,
    cause,
  });
}

/** Pings the engine; throws ENGINE_UNREACHABLE within PING_TIMEOUT_MS, whatever the socket does. */
export async function pingEngine(docker: DockerClient, env: NodeJS.ProcessEnv, timeoutMs = PING_TIMEOUT_MS): Promise<void> {
  try {
    await withTimeout(docker.ping(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
  } catch (err) {
    throw engineUnreachable(env, err);
  }
}
