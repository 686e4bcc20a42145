import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTfError } from '../../../src/errors.js';
import { createDockerSandbox, type DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { prepareCacheKey } from '../../../src/sandbox/docker/prepare.js';
import { requireDocker } from '../../helpers/docker.js';
import { ensurePythonImage } from '../runner-image.js';

const hasDocker = requireDocker();

describe('prepare cache key', () => {
  it('depends on the lockfile content, the kind and the image', () => {
    const a = prepareCacheKey('pip', 'img:1', Buffer.from('x==1\n'));
    expect(prepareCacheKey('pip', 'img:1', Buffer.from('x==1\n'))).toBe(a);
    expect(prepareCacheKey('pip', 'img:1', Buffer.from('x==2\n'))).not.toBe(a);
    expect(prepareCacheKey('pip', 'img:2', Buffer.from('x==1\n'))).not.toBe(a);
    expect(prepareCacheKey('npm', 'img:1', Buffer.from('x==1\n'))).not.toBe(a);
  });
});

describe.skipIf(!hasDocker)('prepare (real engine)', () => {
  let image: string;
  let ws: string;
  let cache: string;
  let sandbox: DockerSandbox;

  beforeAll(async () => {
    image = await ensurePythonImage();
    ws = await mkdtemp(join(tmpdir(), 'tf-prep-ws-'));
    cache = await mkdtemp(join(tmpdir(), 'tf-prep-cache-'));
    // No index is reachable here: an empty requirements file installs nothing but exercises the whole path.
    await writeFile(join(ws, 'requirements.txt'), '# no dependencies\n');
    sandbox = createDockerSandbox({ cacheDir: cache });
  });
  afterAll(async () => {
    await rm(ws, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  it('installs into a cache folder keyed by the lockfile and reuses it', async () => {
    const spec = { image, workspace: ws, projectRoot: '.', kind: 'pip' as const, lockfile: 'requirements.txt' };
    const first = await sandbox.prepare(spec);
    expect(first.cached).toBe(false);
    expect(first.hostPath).toBe(join(cache, first.cacheKey));
    expect(existsSync(join(first.hostPath, '.tfactory-complete'))).toBe(true);
    expect(first.env).toEqual({ PYTHONPATH: '/deps/python' });
    const second = await sandbox.prepare(spec);
    expect(second).toMatchObject({ cached: true, cacheKey: first.cacheKey });
    expect((await readdir(cache)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('does not read a lockfile that is a link out of the checkout', async () => {
    const outside = join(cache, 'outside.txt');
    await writeFile(outside, 'secret==1\n');
    await symlink(outside, join(ws, 'linked.txt'));
    const err = await sandbox.prepare({ image, workspace: ws, projectRoot: '.', kind: 'pip', lockfile: 'linked.txt' }).catch((e: unknown) => e);
    expect(isTfError(err, 'UNSAFE_PATH')).toBe(true);
    expect(String((err as Error).message)).toBe('lockfile linked.txt is a link or leads outside the checkout; it is not read');
  });

  it('fails with PREPARE_FAILED and the installer output when the install fails', async () => {
    await writeFile(join(ws, 'bad.txt'), 'this is not a requirement line ===\n');
    const err = await sandbox.prepare({ image, workspace: ws, projectRoot: '.', kind: 'pip', lockfile: 'bad.txt' }).catch((e: unknown) => e);
    expect(isTfError(err, 'PREPARE_FAILED')).toBe(true);
    expect(String((err as { details: { stderr: string } }).details.stderr)).toMatch(/Invalid requirement|error/i);
  });
});
