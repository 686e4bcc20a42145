import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, testsOf, type SecurityRepo } from '../security/evaluate-helpers.js';

/**
 * Issue 12 item 6: a change that also touches a file whose name is not UTF-8, a binary file and a
 * file over the size cap is graded all the same (real sandbox): those files are left out, each
 * with a note, and the run no longer fails with a raw ENOENT.
 */

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('tfactory evaluate on a change with awkward files', () => {
  let sec: SecurityRepo;
  let report: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('py-shipping');
    writeFileSync(Buffer.concat([Buffer.from(`${sec.repo.dir}/shop/`), Buffer.from('caf\xe9.py', 'latin1')]), 'VALUE = 1\n');
    writeFileSync(join(sec.repo.dir, 'shop', 'logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
    writeFileSync(join(sec.repo.dir, 'shop', 'generated.py'), 'X = 1\n'.repeat(200_000));
    sec.repo.commit('awkward files on the branch');
    report = await sec.evaluate(['test_good.py']);
  }, 10 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it('grades the tests as without those files: both accepted, each failing on base', () => {
    const tests = testsOf(report, 'test_good.py');
    expect(tests.map((t) => [t.name, t.verdict])).toEqual([
      ['test_canada_parcel_of_three_kilos', 'accept'],
      ['test_us_parcel_of_one_kilo', 'accept'],
    ]);
  });

  it('notes each left-out file: the quoted name, the binary, the size against the cap', () => {
    const skipped = 'skipped (not parsed, mutated or tested).';
    expect(report.notes).toEqual(expect.arrayContaining([
      `"shop/caf\\351.py": the file name is not UTF-8 (shown in git's quoted form); ${skipped}`,
      `shop/logo.bin: a binary file; ${skipped}`,
      `shop/generated.py: 1.2 MB (1200000 bytes), over the 1.0 MB cap for a changed file; ${skipped}`,
    ]));
  });
});
