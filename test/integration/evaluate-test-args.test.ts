import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, type SecurityRepo } from '../security/evaluate-helpers.js';

/**
 * Issue 12 item 4: `tfactory evaluate --tests a b` (several after one flag), a quoted glob, and
 * files of the working tree that were never committed, graded as they are on disk (real sandbox).
 */

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('tfactory evaluate --tests with several paths, a glob and uncommitted files', () => {
  let sec: SecurityRepo;
  let scratch: string;
  let report: Report;
  let code: number;

  beforeAll(async () => {
    sec = await createSecurityRepo('py-shipping');
    scratch = await mkdtemp(join(tmpdir(), 'tf-test-args-'));
    const good = readFileSync(sec.candidate('test_good.py'), 'utf8');
    // never committed: one untracked file, and one the glob finds
    writeFileSync(join(sec.repo.dir, 'tests', 'test_untracked.py'), good);
    writeFileSync(join(sec.repo.dir, 'tests', 'test_globbed_one.py'), 'from shop.shipping import shipping_cost\n\n\ndef test_two_kilos_to_the_us():\n    assert shipping_cost(2, "US") == 6.0\n');
    const out = join(scratch, 'report.json');
    const env: NodeJS.ProcessEnv = { ...process.env, TFACTORY_DB: join(scratch, 'runs.db'), TFACTORY_WORKSPACE_ROOT: join(scratch, 'ws'), LOG_LEVEL: 'warn' };
    delete env.GITHUB_TOKEN;
    // run from a folder outside the repository: relative paths are found from the repository root
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env, cwd: scratch, isTty: false };
    code = await main(['evaluate', '--repo', sec.repo.dir, '--base', 'main', '--head', 'feature', '--tests', 'tests/test_untracked.py', 'tests/test_globbed_*.py',
      '--no-llm', '--format', 'json', '--out', out, '--stability', '1', '--no-mutation'], io);
    report = JSON.parse(await readFile(out, 'utf8')) as Report;
  }, 10 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('grades every file named, the uncommitted ones as they are on disk', () => {
    expect(code).toBe(0);
    expect([...new Set(report.tests.map((t) => t.file))].sort()).toEqual(['tests/test_globbed_one.py', 'tests/test_untracked.py']);
    expect(report.tests.map((t) => [t.name, t.verdict])).toEqual([
      ['test_two_kilos_to_the_us', 'accept'],
      ['test_canada_parcel_of_three_kilos', 'accept'],
      ['test_us_parcel_of_one_kilo', 'accept'],
    ]);
  });

  it('refuses a --tests path that is a link inside the repository, naming it, instead of reading where it points', async () => {
    const secret = join(scratch, 'host-secret.py');
    writeFileSync(secret, 'TOKEN = "do-not-read"\n');
    symlinkSync(secret, join(sec.repo.dir, 'tests', 'test_linked.py'));
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (t) => err.push(t), env: { ...process.env, TFACTORY_DB: join(scratch, 'runs2.db') }, cwd: sec.repo.dir, isTty: false };
    const exit = await main(['evaluate', '--repo', sec.repo.dir, '--base', 'main', '--head', 'feature', '--tests', 'tests/test_linked.py', '--no-llm'], io);
    expect(exit).not.toBe(0);
    expect(err.join('')).toContain('tests/test_linked.py is a symbolic link in the repository');
    expect(err.join('')).not.toContain('do-not-read');
  });
});
