import http from 'node:http';
import { createRequire } from 'node:module';

type RequestFn = typeof http.request;

/**
 * nock (through @mswjs/interceptors) wraps every `http.request`. It passes plain requests to the
 * Docker engine's unix socket through (with net connect allowed for `localhost`), but a hijacked
 * exec stream (docker exec with stdin, as the hallucination guard uses) hangs inside its socket
 * wrapper. This routes ONLY requests that name a `socketPath` straight to Node's own ClientRequest;
 * every other request (GitHub's API included) still meets nock, with net connect off.
 * Returns the function that puts nock's wrapper back.
 */
export function letDockerSocketBypassNock(): () => void {
  const { ClientRequest } = createRequire(import.meta.url)('_http_client') as { ClientRequest: new (...args: unknown[]) => http.ClientRequest };
  const wrapped = http.request;
  const hasSocketPath = (args: unknown[]): boolean =>
    args.some((a) => typeof a === 'object' && a !== null && !(a instanceof URL) && typeof (a as { socketPath?: unknown }).socketPath === 'string');
  const routed = function (this: unknown, ...args: unknown[]) {
    if (hasSocketPath(args)) return new ClientRequest(...args);
    return (wrapped as (...a: unknown[]) => http.ClientRequest).apply(this, args);
  } as unknown as RequestFn;
  http.request = routed;
  return () => {
    if (http.request === routed) http.request = wrapped;
  };
}
