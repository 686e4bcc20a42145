import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerSandbox, type DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { SANDBOX_PATHS } from '../../../src/sandbox/port.js';
import { requireDocker } from '../../helpers/docker.js';
import { FIXTURES } from '../../fakes/repos.js';
import { ensureRunnerImage } from '../../languages/static-checks/runner-images.js';

/**
 * pnpm and yarn (classic and berry) lockfiles, installed in the real prepare container from the real
 * npm registry: the package manager itself comes from the registry too (installed with the image's npm
 * once per machine, in the version the project declares or its lockfile format implies, and mounted
 * read-only into the install), so the runner image needs nothing more than npm. Cached per machine (TFACTORY_TEST_CACHE) like the other registry tests.
 */

const hasDocker = requireDocker();
const MACHINE_CACHE = join(process.env.TFACTORY_TEST_CACHE ?? join(homedir(), '.cache', 'tfactory-test'), 'prepare');

describe.skipIf(!hasDocker)('prepare with pnpm and yarn (real engine, real registry)', () => {
  let image: string;
  let root: string;
  let sandbox: DockerSandbox;

  beforeAll(async () => {
    image = await ensureRunnerImage('node');
    root = await mkdtemp(join(tmpdir(), 'tf-prep-pm-'));
    for (const name of ['pnpm-workspace', 'yarn-classic', 'yarn-berry']) await cp(join(FIXTURES, 'deps', name), join(root, name), { recursive: true });
    sandbox = createDockerSandbox({ cacheDir: MACHINE_CACHE });
  }, 10 * 60_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Runs `script` with node in a test container (no network) that sees the prepared tree at /deps. */
  async function nodeWith(prepared: { hostPath: string; env?: Record<string, string> }, workspace: string, cwd: string, script: string): Promise<string> {
    const run = await sandbox.run(
      { image, workspace, mounts: [{ hostPath: prepared.hostPath, containerPath: SANDBOX_PATHS.packages, readOnly: true }] },
      { cmd: ['node', '-e', script], cwd, env: prepared.env ?? {} },
    );
    expect(run.stderr).toBe('');
    return run.stdout.trim();
  }

  it('pnpm workspace (pnpm-lock.yaml, packageManager pnpm@9.15.9): each package gets its own node_modules, linked the pnpm way', async () => {
    const ws = join(root, 'pnpm-workspace');
    const prepared = await sandbox.prepare({ image, workspace: ws, projectRoot: 'packages/cart', kind: 'pnpm', lockfile: 'pnpm-lock.yaml' });
    const parseModules = join(prepared.hostPath, 'packages', 'parse', 'node_modules');
    expect(JSON.parse(await readFile(join(parseModules, 'is-number', 'package.json'), 'utf8'))).toMatchObject({ version: '7.0.0' });
    expect(realpathSync(join(parseModules, 'is-number'))).toContain(join(prepared.hostPath, 'node_modules', '.pnpm'));
    expect(existsSync(join(prepared.hostPath, 'packages', 'cart', 'node_modules', '@fx', 'parse'))).toBe(true);
    // pnpm itself was installed once for this machine, beside the prepared trees, and is reused
    expect(readdirSync(join(MACHINE_CACHE, '.tools')).some((n) => existsSync(join(MACHINE_CACHE, '.tools', n, 'node_modules', 'pnpm', 'package.json')))).toBe(true);
    // a test container resolves is-number from the package that declares it, through /deps
    expect(await nodeWith(prepared, ws, '/deps/packages/parse', 'console.log(require.resolve("is-number"))')).toMatch(/^\/deps\/node_modules\/\.pnpm\/is-number@7\.0\.0\/node_modules\/is-number\/index\.js$/);
  }, 10 * 60_000);

  it('yarn classic (yarn.lock v1)', async () => {
    const ws = join(root, 'yarn-classic');
    const prepared = await sandbox.prepare({ image, workspace: ws, projectRoot: '', kind: 'yarn', lockfile: 'yarn.lock' });
    expect(prepared.env).toEqual({ NODE_PATH: '/deps/node_modules' });
    expect(JSON.parse(await readFile(join(prepared.hostPath, 'node_modules', 'is-number', 'package.json'), 'utf8'))).toMatchObject({ version: '7.0.0' });
    expect(await nodeWith(prepared, ws, '/workspace', 'console.log(require("is-number")("12"))')).toBe('true');
  }, 10 * 60_000);

  it('yarn berry (yarn.lock with __metadata, packageManager yarn@4.18.1): node_modules, not Plug\'n\'Play', async () => {
    const ws = join(root, 'yarn-berry');
    const prepared = await sandbox.prepare({ image, workspace: ws, projectRoot: '', kind: 'yarn', lockfile: 'yarn.lock' });
    expect(JSON.parse(await readFile(join(prepared.hostPath, 'node_modules', 'is-number', 'package.json'), 'utf8'))).toMatchObject({ version: '7.0.0' });
    expect(existsSync(join(prepared.hostPath, '.pnp.cjs'))).toBe(false);
  }, 10 * 60_000);
});
