import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { registryTlsIntercepted } from '../helpers/tls-probe.js';
import { FIXTURES, makeRepo, type TestRepo } from '../fakes/repos.js';

/**
 * Issue 12 item 5, end to end: `tfactory evaluate` on an npm workspace (fixtures/deps/npm-workspaces)
 * with no node_modules anywhere, so the prepare step installs it from its root lockfile, from the
 * real npm registry (is-number, vitest), through this machine's TLS-inspecting proxy when there is
 * one. The diff's package is found (its nearest package.json, not the repository root) and its
 * tests run from there, importing the other workspace package through the workspace link. A diff
 * touching two packages grades both, each from its own root. The installed tree is cached per
 * machine (TFACTORY_TEST_CACHE, default ~/.cache/tfactory-test/prepare) like the other registry tests.
 */

const hasDocker = requireDocker();
const FIXTURE = join(FIXTURES, 'deps', 'npm-workspaces');
const MACHINE_CACHE = join(process.env.TFACTORY_TEST_CACHE ?? join(homedir(), '.cache', 'tfactory-test'), 'prepare');

describe.skipIf(!hasDocker)('tfactory evaluate on an npm workspace prepared from the registry', () => {
  let repo: TestRepo;
  let scratch: string;
  let runs = 0;

  async function evaluate(head: string, tests: string[], extraEnv: NodeJS.ProcessEnv = {}, flags: string[] = []): Promise<{ code: number; report: Report; stderr: string }> {
    runs += 1;
    const out = join(scratch, `report-${runs}.json`);
    const env: NodeJS.ProcessEnv = {
      ...process.env, TFACTORY_DB: join(scratch, `runs-${runs}.db`), TFACTORY_WORKSPACE_ROOT: join(scratch, `ws-${runs}`),
      TFACTORY_CACHE_DIR: MACHINE_CACHE, LOG_LEVEL: 'warn', ...extraEnv,
    };
    delete env.GITHUB_TOKEN;
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: repo.dir, isTty: false };
    const code = await main(['evaluate', '--repo', repo.dir, '--base', 'main', '--head', head, '--tests', ...tests, '--no-llm', '--format', 'json', '--out', out, '--stability', '1', ...flags], io);
    return { code, report: JSON.parse(await readFile(out, 'utf8')) as Report, stderr: err.join('') };
  }

  const candidate = (name: string, dest: string): void => {
    mkdirSync(join(repo.dir, dest, '..'), { recursive: true });
    copyFileSync(join(FIXTURE, 'candidates', name), join(repo.dir, dest));
  };

  beforeAll(async () => {
    repo = makeRepo('tfactory-deps-npm-ws-');
    repo.copyFixture('deps/npm-workspaces/base', '.');
    repo.commit('workspace: base');
    repo.git('checkout', '--quiet', '-b', 'both');
    repo.copyFixture('deps/npm-workspaces/head', '.');
    repo.commit('bulk discount and non-negative quantities');
    repo.git('checkout', '--quiet', '-b', 'cart', 'main');
    repo.copyFixture('deps/npm-workspaces/head', '.');
    repo.git('checkout', 'main', '--', 'packages/parse/src/index.js');
    repo.commit('bulk discount');
    scratch = await mkdtemp(join(tmpdir(), 'tf-deps-npm-ws-'));
  });
  afterAll(async () => {
    repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('finds the package the diff touches and grades its test from its root, with the registry dependency installed', async () => {
    candidate('cart.test.js', 'packages/cart/test/cart.test.js');
    const { code, report, stderr } = await evaluate('cart', ['packages/cart/test/cart.test.js']);
    expect(code, stderr).toBe(0);
    expect(report.tests.map((t) => [t.file, t.name, t.verdict])).toEqual([['packages/cart/test/cart.test.js', 'lineTotal > takes 10% off ten or more of a kind', 'accept']]);
    const t = report.tests[0];
    expect(t?.signals.failToPass).toBe('fail-to-pass');
    expect(t?.signals.mutation?.killedByAssertion ?? 0).toBeGreaterThan(0);
    expect(report.notes.join('\n')).not.toMatch(/projects/);
  }, 15 * 60_000);

  it('grades a diff touching two packages: both, each from its own root, and says so', async () => {
    repo.git('checkout', '--quiet', '--force', 'both');
    candidate('cart.test.js', 'packages/cart/test/cart.test.js');
    candidate('parse.test.js', 'packages/parse/test/parse.test.js');
    // mutation is proven by the test above: here, that each project ran from its root with its dependencies
    const { code, report, stderr } = await evaluate('both', ['packages/cart/test/cart.test.js', 'packages/parse/test/parse.test.js'], {}, ['--no-mutation']);
    expect([0, 3], stderr).toContain(code);
    expect(report.tests.map((t) => [t.file, t.signals.passes?.ok, t.signals.failToPass])).toEqual([
      ['packages/cart/test/cart.test.js', true, 'fail-to-pass'],
      ['packages/parse/test/parse.test.js', true, 'fail-to-pass'],
    ]);
    expect(report.tests.filter((t) => t.verdict === 'error' || t.verdict === 'reject')).toEqual([]);
    expect(report.notes).toContain('This diff touches 2 projects; each is graded from its own root with its own dependencies: packages/cart (javascript), packages/parse (javascript).');
  }, 15 * 60_000);

  it('reports a failed install on the test in one line with what to do, never as a verdict on the test', async (t) => {
    if (!(await registryTlsIntercepted())) t.skip('TLS to the registry is not intercepted on this machine: the install would not fail');
    repo.git('checkout', '--quiet', '--force', 'cart');
    candidate('cart.test.js', 'packages/cart/test/cart.test.js');
    // a cache of its own (nothing installed yet) and the extra CA turned off
    const { report } = await evaluate('cart', ['packages/cart/test/cart.test.js'], { TFACTORY_CACHE_DIR: join(scratch, 'empty-cache'), TFACTORY_CA_BUNDLE: 'none' });
    expect(report.tests.map((x) => x.verdict)).toEqual(['error']);
    const reason = report.tests[0]?.reasons.find((r) => r.severity === 'error')?.text ?? '';
    expect(reason).toMatch(/npm ci failed: TLS certificate not trusted \(.+\) \(exit 1\)\n {2}→ a proxy intercepts TLS: set TFACTORY_CA_BUNDLE/);
  }, 15 * 60_000);
});

/**
 * The Python side: a monorepo (fixtures/deps/py-monorepo) whose service ships its dependency as a
 * wheel named in its requirements.txt. The service's root is its own pyproject.toml, the prepare step
 * installs the wheel (no index needed), and the candidate, which imports the changed module that
 * imports the wheel, is graded from the service's root.
 */
describe.skipIf(!hasDocker)('tfactory evaluate on a Python monorepo service with a shipped wheel', () => {
  let repo: TestRepo;
  let scratch: string;

  beforeAll(async () => {
    repo = makeRepo('tfactory-deps-py-mono-');
    repo.copyFixture('deps/py-monorepo/base', '.');
    repo.commit('monorepo: base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.copyFixture('deps/py-monorepo/head', '.');
    repo.commit('tidy names');
    copyFileSync(join(FIXTURES, 'deps', 'py-monorepo', 'candidates', 'test_tidy.py'), join(repo.dir, 'services', 'api', 'tests', 'test_tidy.py'));
    scratch = await mkdtemp(join(tmpdir(), 'tf-deps-py-mono-'));
  });
  afterAll(async () => {
    repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('installs the wheel and grades the test from the service root', async () => {
    const out = join(scratch, 'report.json');
    const env: NodeJS.ProcessEnv = { ...process.env, TFACTORY_DB: join(scratch, 'runs.db'), TFACTORY_WORKSPACE_ROOT: join(scratch, 'ws'), TFACTORY_CACHE_DIR: join(scratch, 'cache'), LOG_LEVEL: 'warn' };
    delete env.GITHUB_TOKEN;
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: repo.dir, isTty: false };
    const code = await main(['evaluate', '--repo', repo.dir, '--base', 'main', '--head', 'feature', '--tests', 'services/api/tests/test_tidy.py', '--no-llm', '--format', 'json', '--out', out, '--stability', '1'], io);
    expect(code, err.join('')).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8')) as Report;
    expect(report.tests.map((t) => [t.file, t.name, t.verdict])).toEqual([['services/api/tests/test_tidy.py', 'test_welcome_trims_and_capitalises_the_name', 'accept']]);
    expect(report.tests[0]?.signals.failToPass).toBe('fail-to-pass');
    expect(existsSync(join(scratch, 'cache', 'deps'))).toBe(true);
  }, 10 * 60_000);
});

/**
 * The same workspace as a pnpm workspace (fixtures/deps/npm-workspaces with pnpm-overlay/: its
 * pnpm-workspace.yaml, pnpm-lock.yaml and the `workspace:*` protocol): pnpm comes from the registry in
 * the version its lockfile format implies, lays out node_modules/.pnpm with links, and the test
 * graded from packages/cart imports @fx/parse through pnpm's workspace link.
 */
describe.skipIf(!hasDocker)('tfactory evaluate on a pnpm workspace prepared from the registry', () => {
  let repo: TestRepo;
  let scratch: string;

  beforeAll(async () => {
    repo = makeRepo('tfactory-deps-pnpm-ws-');
    const asPnpm = (tree: string): void => {
      repo.copyFixture(`deps/npm-workspaces/${tree}`, '.');
      repo.copyFixture('deps/npm-workspaces/pnpm-overlay', '.');
      repo.remove('package-lock.json');
    };
    asPnpm('base');
    repo.commit('pnpm workspace: base');
    repo.git('checkout', '--quiet', '-b', 'cart');
    asPnpm('head');
    repo.git('checkout', 'main', '--', 'packages/parse/src/index.js');
    repo.commit('bulk discount');
    mkdirSync(join(repo.dir, 'packages', 'cart', 'test'), { recursive: true });
    copyFileSync(join(FIXTURE, 'candidates', 'cart.test.js'), join(repo.dir, 'packages', 'cart', 'test', 'cart.test.js'));
    scratch = await mkdtemp(join(tmpdir(), 'tf-deps-pnpm-ws-'));
  });
  afterAll(async () => {
    repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('grades the package the diff touches from its root, with pnpm\'s install', async () => {
    const out = join(scratch, 'report.json');
    const env: NodeJS.ProcessEnv = { ...process.env, TFACTORY_DB: join(scratch, 'runs.db'), TFACTORY_WORKSPACE_ROOT: join(scratch, 'ws'), TFACTORY_CACHE_DIR: MACHINE_CACHE, LOG_LEVEL: 'warn' };
    delete env.GITHUB_TOKEN;
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: repo.dir, isTty: false };
    const code = await main(['evaluate', '--repo', repo.dir, '--base', 'main', '--head', 'cart', '--tests', 'packages/cart/test/cart.test.js', '--no-llm', '--format', 'json', '--out', out, '--stability', '1'], io);
    expect(code, err.join('')).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8')) as Report;
    expect(report.tests.map((t) => [t.file, t.verdict])).toEqual([['packages/cart/test/cart.test.js', 'accept']]);
    expect(report.tests[0]?.signals.failToPass).toBe('fail-to-pass');
  }, 15 * 60_000);
});
