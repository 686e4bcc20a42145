import { describe, expect, it } from 'vitest';
import { isTfError } from '../../../src/errors.js';
import { dockerOptionsFromEnv } from '../../../src/sandbox/docker/client.js';
import { buildCreateOptions } from '../../../src/sandbox/docker/container-config.js';

describe('docker client options', () => {
  it('uses the default socket without DOCKER_HOST', () => {
    expect(dockerOptionsFromEnv({})).toEqual({ socketPath: '/var/run/docker.sock' });
  });
  it('reads unix:// and tcp:// hosts', () => {
    expect(dockerOptionsFromEnv({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(dockerOptionsFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toEqual({ host: '10.0.0.5', port: 2375, protocol: 'http' });
  });
  it('rejects an unsupported scheme', () => {
    let caught: unknown;
    try { dockerOptionsFromEnv({ DOCKER_HOST: 'ssh://me@host' }); } catch (err) { caught = err; }
    expect(isTfError(caught, 'CONFIG_INVALID')).toBe(true);
  });
});

describe('hardened container options', () => {
  const opts = buildCreateOptions({
    spec: { image: 'img', workspace: '/host/ws', mounts: [{ hostPath: '/host/deps', containerPath: '/deps', readOnly: true }], limits: { pids: 99 } },
    scratchDir: '/host/scratch', cmd: ['pytest'], exec: { cmd: ['pytest'], env: { A: '1' } }, labels: { tfactory: '1' }, network: 'none', stdin: false,
  });
  it('drops network, capabilities, privileges and root', () => {
    expect(opts.HostConfig).toMatchObject({
      NetworkMode: 'none', ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], PidsLimit: 99, Privileged: false,
    });
    expect(opts.User).toBe('10001:10001');
    expect(Object.keys(opts.HostConfig?.Tmpfs ?? {})).toEqual(['/tmp', '/home/runner', '/run/tfactory']);
  });
  it('mounts the checkout read-only and the scratch folder read-write', () => {
    expect(opts.HostConfig?.Binds).toEqual(['/host/ws:/workspace:ro', '/host/scratch:/scratch:rw', '/host/deps:/deps:ro']);
  });
  it('passes exactly the given environment', () => {
    expect(opts.Env).toEqual(['A=1']);
  });
});
