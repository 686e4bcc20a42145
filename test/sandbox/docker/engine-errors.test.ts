import { describe, expect, it } from 'vitest';
import { isTfError, TfError } from '../../../src/errors.js';
import { isNotFound, toSandboxError } from '../../../src/sandbox/docker/engine-errors.js';

const ENV = { DOCKER_HOST: 'unix:///run/test.sock' };

function engineError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('toSandboxError', () => {
  it('keeps our own errors', () => {
    const own = new TfError('PREPARE_FAILED', 'install failed');
    expect(toSandboxError(own, ENV)).toBe(own);
  });

  it.each(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE'])('reports an unreachable engine on %s', (code) => {
    const err = toSandboxError(engineError(`connect ${code}`, { code }), ENV);
    expect(isTfError(err, 'ENGINE_UNREACHABLE')).toBe(true);
  });

  it('reports a missing runner image on a 404 about an image, with how to build it', () => {
    const cause = engineError('(HTTP code 404) no such image - No such image: tfactory-runner-python:abc', { statusCode: 404 });
    const err = toSandboxError(cause, ENV, 'tfactory-runner-python:abc');
    expect(isTfError(err, 'IMAGE_MISSING')).toBe(true);
    expect(err.message).toBe('runner image tfactory-runner-python:abc is not present');
    expect(err.details).toEqual({ image: 'tfactory-runner-python:abc' });
    expect(err.hint).toContain('tfactory images build');
    expect(err.cause).toBe(cause);
  });

  it('reports any other failure as SANDBOX_FAILED with the status code', () => {
    const container404 = toSandboxError(engineError('no such container', { statusCode: 404 }), ENV, 'img');
    expect(isTfError(container404, 'SANDBOX_FAILED')).toBe(true);
    expect(container404.details).toEqual({ image: 'img', statusCode: 404 });
    const odd = toSandboxError('plain string', ENV);
    expect(odd.message).toBe('sandbox engine call failed: plain string');
    expect(isTfError(toSandboxError(engineError('image x not found', { statusCode: 404 }), ENV), 'SANDBOX_FAILED')).toBe(true);
  });
});

describe('isNotFound', () => {
  it('is true for a 404 status code only', () => {
    expect(isNotFound({ statusCode: 404 })).toBe(true);
    expect(isNotFound({ statusCode: '404' })).toBe(true);
    expect(isNotFound({ statusCode: 409 })).toBe(false);
    expect(isNotFound(null)).toBe(false);
    expect(isNotFound('404')).toBe(false);
  });
});
