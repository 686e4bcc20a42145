import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError, isTfError } from '../../../src/errors.js';
import { createDockerSandbox, type DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { SANDBOX_PATHS } from '../../../src/sandbox/port.js';
import { requireDocker } from '../../helpers/docker.js';
import { FIXTURES } from '../../fakes/repos.js';
import { ensurePythonImage } from '../runner-image.js';

/**
 * The pip prepare step in the real sandbox. No Python package index is reachable from this
 * workplace, so what is proven here is what works without one (a requirements file naming a wheel
 * the project ships, a pyproject.toml whose dependencies the runner image already satisfies) and
 * the one-line failure when the index is needed and cannot be reached: never a fake success.
 */

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('pip prepare (real engine)', () => {
  let image: string;
  let ws: string;
  let cache: string;
  let sandbox: DockerSandbox;

  beforeAll(async () => {
    image = await ensurePythonImage();
    ws = await mkdtemp(join(tmpdir(), 'tf-prep-pip-'));
    cache = await mkdtemp(join(tmpdir(), 'tf-prep-pip-cache-'));
    await cp(join(FIXTURES, 'deps', 'pip-wheel'), ws, { recursive: true });
    sandbox = createDockerSandbox({ cacheDir: cache });
  }, 10 * 60_000);
  afterAll(async () => {
    await rm(ws, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  it('installs a requirements file that names a wheel the project ships, and a test container imports it', async () => {
    const prepared = await sandbox.prepare({ image, workspace: ws, projectRoot: '', kind: 'pip', lockfile: 'requirements.txt' });
    expect(existsSync(join(prepared.hostPath, 'python', 'tfx_greet', '__init__.py'))).toBe(true);
    const run = await sandbox.run(
      { image, workspace: ws, mounts: [{ hostPath: prepared.hostPath, containerPath: SANDBOX_PATHS.packages, readOnly: true }] },
      { cmd: ['python3', '-c', 'import tfx_greet; print(tfx_greet.greet("deps"))'], env: prepared.env ?? {} },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('hello, deps');
  }, 5 * 60_000);

  it("needs no index for a pyproject.toml whose dependencies the runner image already has (pytest being the grader's own)", async () => {
    await writeFile(join(ws, 'pyproject.toml'), '[project]\nname = "fx"\nversion = "0.1.0"\ndependencies = ["pluggy>=0.1", "pytest>=99"]\n\n[project.optional-dependencies]\ndocs = ["sphinx>=7"]\n');
    const prepared = await sandbox.prepare({ image, workspace: ws, projectRoot: '', kind: 'pip', lockfile: 'pyproject.toml' });
    expect(prepared.cached).toBe(false);
    expect(prepared.env).toEqual({ PYTHONPATH: '/deps/python' });
  }, 5 * 60_000);

  it('fails in one line naming the unreachable index and what to do, when a dependency must come from it', async () => {
    await writeFile(join(ws, 'pyproject.toml'), '[project]\nname = "fx"\nversion = "0.1.0"\ndependencies = ["tfx-not-in-the-image==1.0"]\n');
    const err = await sandbox.prepare({ image, workspace: ws, projectRoot: '', kind: 'pip', lockfile: 'pyproject.toml' }).catch((e: unknown) => e);
    expect(isTfError(err, 'PREPARE_FAILED')).toBe(true);
    const [line, hint] = describeError(err).split('\n');
    // unreachable here; where an index answers, the name is simply not on it
    expect(line).toMatch(/^pip install failed: (the package registry could not be reached \(.+\)|No matching distribution found for tfx-not-in-the-image==1\.0) \(exit 1\)$/);
    expect(hint).toMatch(/wheel/);
  }, 5 * 60_000);
});
