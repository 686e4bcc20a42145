import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { preflight, runnersForChange } from '../../src/cli/preflight.js';
import { openRunStore } from '../../src/runs/open-run-store.js';
import { defaultRunnerImagesDir } from '../../src/sandbox/images/index.js';
import { requireDocker } from '../helpers/docker.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

const docker = requireDocker();
const TRANSCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'demo', 'transcript.json');

function captureIo(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env, cwd, isTty: false, out: () => out, err: () => err };
}

/**
 * The expected failures of a local run are said before it starts: the code, one line, and the fix,
 * never INTERNAL, and no run is recorded in the run database.
 */
describe('tfactory run / evaluate: expected failures before any run starts', () => {
  let repo: TestRepo;
  let home: string;
  let db: string;

  beforeAll(() => {
    repo = makeRepo('tfactory-preflight-');
    repo.write({ 'shop/price.py': 'def price():\n    return 1\n' });
    repo.commit('base');
    repo.write({ 'shop/price.py': 'def price():\n    return 2\n', 'web/cart.ts': 'export const n = 1;\n' });
    repo.commit('change');
    home = mkdtempSync(join(tmpdir(), 'tfactory-preflight-home-'));
    db = join(home, 'runs.db');
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  async function noRunRecorded(): Promise<void> {
    if (!existsSync(db)) return;
    const store = openRunStore({ dbPath: db });
    try {
      expect(await store.list({})).toEqual([]);
    } finally {
      store.close?.();
    }
  }

  it('engine down: ENGINE_UNREACHABLE, where it looked, and how to start one', async () => {
    const io = captureIo(repo.dir, { TFACTORY_DB: db, DOCKER_HOST: 'tcp://127.0.0.1:1', HOME: home });
    expect(await main(['run', '--base', 'HEAD~1', '--llm', `replay:${TRANSCRIPT}`], io)).toBe(1);
    const lines = io.err().trim().split('\n');
    expect(lines[0]).toMatch(/^tfactory run: ENGINE_UNREACHABLE: .*tcp:\/\/127\.0\.0\.1:1/);
    expect(lines.at(-1)).toMatch(/^ {2}fix: Start the Docker engine/);
    expect(io.err()).not.toContain('INTERNAL');
    await noRunRecorded();
  });

  it.skipIf(!docker)('no model key: CONFIG_INVALID naming the variable, and the alternatives', async () => {
    const io = captureIo(repo.dir, { TFACTORY_DB: db, HOME: home, PATH: process.env.PATH ?? '' });
    expect(await main(['run', '--base', 'HEAD~1', '--llm', 'anthropic'], io)).toBe(1);
    expect(io.err()).toMatch(/^tfactory run: CONFIG_INVALID: no Anthropic API key in ANTHROPIC_API_KEY\n {2}fix: set ANTHROPIC_API_KEY, or use --llm replay:<file>\n$/);
    await noRunRecorded();
  });

  it('not a repository: a usage error that says what is wrong (exit 2)', async () => {
    const io = captureIo(home, { TFACTORY_DB: db, HOME: home });
    expect(await main(['evaluate', '--repo', home, '--base', 'main', '--tests', 'x.py', '--no-llm'], io)).toBe(2);
    expect(io.err()).toMatch(new RegExp(`^tfactory evaluate: ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a git repository with at least one commit`));
    expect(io.err()).toMatch(/\n {2}fix: pass --repo <a git checkout>, or run `git init && git add -A && git commit -m base` there first\n$/);
    await noRunRecorded();
  });

  it('picks the runner images of the languages the change touches', async () => {
    expect(await runnersForChange(repo.dir, 'HEAD~1', 'HEAD')).toEqual(['python', 'node']);
    expect(await runnersForChange(repo.dir, 'HEAD', 'HEAD', ['tests/test_x.py'])).toEqual(['python']);
  });

  it.skipIf(!docker)('images missing: IMAGE_MISSING with the tag to build and the command that builds it', async () => {
    // A runner folder whose content differs from what was built: its expected tag does not exist.
    const imagesDir = mkdtempSync(join(tmpdir(), 'tfactory-runner-images-'));
    try {
      cpSync(defaultRunnerImagesDir(), imagesDir, { recursive: true });
      appendFileSync(join(imagesDir, 'python', 'Dockerfile'), `\n# changed ${Date.now()}\n`);
      const err = await preflight({ env: process.env, runners: ['python'], imagesDir }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'IMAGE_MISSING', hint: 'Run `tfactory images build` (or scripts/setup.sh).' });
      expect((err as Error).message).toMatch(/^runner image tfactory\/runner-python:[0-9a-f]+ is not built$/);
      // The images this machine has built pass.
      await expect(preflight({ env: process.env, runners: ['python', 'node'] })).resolves.toBeUndefined();
    } finally {
      rmSync(imagesDir, { recursive: true, force: true });
    }
  });
});
