import { connect, rootCertificates } from 'node:tls';

/**
 * Whether TLS to the npm registry is intercepted on this machine: a connection that trusts only
 * Node's bundled roots (no system or extra certificates) fails certificate verification. Bounded by
 * `timeoutMs`; an unreachable registry answers false (nothing to intercept).
 */
export function registryTlsIntercepted(host = 'registry.npmjs.org', timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 443, servername: host, ca: [...rootCertificates], timeout: timeoutMs });
    const done = (v: boolean): void => {
      socket.destroy();
      resolve(v);
    };
    socket.once('secureConnect', () => done(false));
    socket.once('timeout', () => done(false));
    socket.once('error', (err: NodeJS.ErrnoException) => done(/CERT|certificate|SELF_SIGNED/i.test(`${err.code ?? ''} ${err.message}`)));
  });
}
