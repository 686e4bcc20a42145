import { TfError } from '../../errors.js';
import { engineUnreachable } from './client.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE']);

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null && key in err ? (err as Record<string, unknown>)[key] : undefined;
}

export function isNotFound(err: unknown): boolean {
  return Number(field(err, 'statusCode')) === 404;
}

/** Maps a dockerode failure to our typed errors (engine gone, image missing, anything else). */
export function toSandboxError(err: unknown, env: NodeJS.ProcessEnv, image?: string): TfError {
  if (err instanceof TfError) return err;
  const code = field(err, 'code');
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return engineUnreachable(env, err);
  const message = err instanceof Error ? err.message : String(err);
  if (image && isNotFound(err) && /image/i.test(message)) {
    return new TfError('IMAGE_MISSING', `runner image ${image} is not present`, {
      details: { image },
      hint: 'Run `tfactory images build` (or scripts/setup.sh) to build the runner images.',
      cause: err,
    });
  }
  return new TfError('SANDBOX_FAILED', `sandbox engine call failed: ${message}`, { details: { image, statusCode: field(err, 'statusCode') }, cause: err });
}
