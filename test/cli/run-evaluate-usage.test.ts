import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main, usage } from '../../src/cli/main.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env, cwd, isTty: false, out: () => out, err: () => err };
}

/** Bad input to `run` and `evaluate` is refused at once, with a message that says what to fix (no run is started). */
describe('tfactory run / evaluate: usage errors', () => {
  let repo: TestRepo;

  beforeAll(() => {
    repo = makeRepo('tfactory-cli-usage-');
    repo.write({ 'src/a.py': 'def f():\n    return 1\n' });
    repo.commit('base');
  });
  afterAll(() => repo.cleanup());

  it('lists run, evaluate, mcp and spec in the usage', () => {
    for (const c of ['run', 'evaluate', 'mcp', 'spec', 'doctor', 'images']) expect(usage()).toContain(`  ${c}`);
  });

  it.each([
    [['evaluate', '--tests', 'x.py'], '--base is required'],
    [['evaluate', '--base', 'HEAD'], 'at least one --tests'],
    [['evaluate', '--base', 'HEAD', '--tests', 'x.py', '--format', 'xml'], '--format must be md, json or text'],
    [['evaluate', '--base', 'HEAD', '--tests', 'x.py', '--stability', '0'], '--stability must be a whole number from 1 to 10'],
    [['run', '--head', 'HEAD'], '--base is required'],
    [['run', '--base', 'HEAD', '--max-tests', '101'], '--max-tests must be a whole number from 1 to 100'],
    [['run', '--base', 'HEAD', '--bogus'], "Unknown option '--bogus'"],
  ])('%j → %s (exit 2)', async (argv, message) => {
    const io = captureIo(repo.dir);
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain(message);
  });

  it('refuses a ref that does not exist, naming it', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['run', '--base', 'no-such-branch', '--head', 'HEAD'], io)).toBe(2);
    expect(io.err()).toContain("'no-such-branch' is not a branch, tag or commit");
  });

  it('refuses a folder that is not a git repository', async () => {
    const io = captureIo('/');
    expect(await main(['evaluate', '--repo', '/proc', '--base', 'main', '--tests', 'x.py'], io)).toBe(2);
    expect(io.err()).toContain('is not a git repository');
  });

  it('says which API key is missing before starting a run', async () => {
    const io = captureIo(repo.dir, { TFACTORY_DB: ':memory:', TFACTORY_LLM: 'anthropic' });
    expect(await main(['run', '--base', 'HEAD', '--head', 'HEAD'], io)).toBe(1);
    expect(io.err()).toContain('no Anthropic API key in ANTHROPIC_API_KEY');
    expect(io.err()).not.toContain('tfactory: run ');
  });

  it('prints help with exit 0', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['evaluate', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: tfactory evaluate');
  });
});
