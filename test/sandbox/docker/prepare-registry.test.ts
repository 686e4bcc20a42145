import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError, isTfError } from '../../../src/errors.js';
import { createDockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { requireDocker } from '../../helpers/docker.js';
import { registryTlsIntercepted } from '../../helpers/tls-probe.js';
import { FIXTURES } from '../../fakes/repos.js';
import { ensureRunnerImage } from '../../languages/static-checks/runner-images.js';

/**
 * The prepare step against the real npm registry, in the real sandbox: an npm workspace
 * (fixtures/deps/npm-workspaces: is-number from the registry, vitest, two packages linked by the
 * workspace) installed as a whole from its root lockfile, through this machine's TLS-inspecting
 * proxy when it has one (the host's extra CA certificates reach the prepare container). The
 * installed tree is cached per machine (TFACTORY_TEST_CACHE, default ~/.cache/tfactory-test), so a
 * second CI run on the same machine does not download it again.
 */

const hasDocker = requireDocker();
const MACHINE_CACHE = join(process.env.TFACTORY_TEST_CACHE ?? join(homedir(), '.cache', 'tfactory-test'), 'prepare');

describe.skipIf(!hasDocker)('prepare from the npm registry (real engine, real registry)', () => {
  let image: string;
  let ws: string;
  let intercepted: boolean;

  beforeAll(async () => {
    image = await ensureRunnerImage('node');
    ws = await mkdtemp(join(tmpdir(), 'tf-prep-npm-'));
    await cp(join(FIXTURES, 'deps', 'npm-workspaces', 'base'), ws, { recursive: true });
    intercepted = await registryTlsIntercepted();
  }, 15 * 60_000);
  afterAll(async () => {
    await rm(ws, { recursive: true, force: true });
  });

  it('installs an npm workspace from its root lockfile, mirroring the repository layout', async () => {
    const sandbox = createDockerSandbox({ cacheDir: MACHINE_CACHE });
    const spec = { image, workspace: ws, projectRoot: 'packages/cart', kind: 'npm' as const, lockfile: 'package-lock.json' };
    const prepared = await sandbox.prepare(spec);
    expect(prepared.env).toEqual({ NODE_PATH: '/deps/node_modules' });
    const modules = join(prepared.hostPath, 'node_modules');
    expect(JSON.parse(await readFile(join(modules, 'is-number', 'package.json'), 'utf8'))).toMatchObject({ name: 'is-number', version: '7.0.0' });
    expect(existsSync(join(modules, 'vitest', 'package.json'))).toBe(true);
    // the workspace packages are links to their folders (relative, so they resolve wherever /deps is mounted)
    expect(lstatSync(join(modules, '@fx', 'cart')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(modules, '@fx', 'parse'))).toBe('../../packages/parse');
    const again = await sandbox.prepare(spec);
    expect(again).toMatchObject({ cached: true, cacheKey: prepared.cacheKey });
  }, 15 * 60_000);

  it('without the extra CA behind a TLS-inspecting proxy, fails in one line that names the cause and TFACTORY_CA_BUNDLE', async (t) => {
    if (!intercepted) t.skip('TLS to the registry is not intercepted on this machine: nothing to refuse');
    const cache = await mkdtemp(join(tmpdir(), 'tf-prep-noca-'));
    try {
      const sandbox = createDockerSandbox({ cacheDir: cache, env: { ...process.env, TFACTORY_CA_BUNDLE: 'none' } });
      const err = await sandbox.prepare({ image, workspace: ws, projectRoot: '', kind: 'npm', lockfile: 'package-lock.json' }).catch((e: unknown) => e);
      expect(isTfError(err, 'PREPARE_FAILED')).toBe(true);
      const text = describeError(err);
      expect(text.split('\n')[0]).toMatch(/^npm ci failed: TLS certificate not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|self[- ]signed certificate in certificate chain)[^)]*\) \(exit 1\)$/);
      expect(text).toContain('set TFACTORY_CA_BUNDLE');
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  }, 10 * 60_000);
});
