import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, testsOf, type SecurityRepo } from '../security/evaluate-helpers.js';

/**
 * Issue 12 item 3: most pull requests have no AIFactory spec. `tfactory evaluate` grades the tests it
 * is given all the same (real sandbox), with no criteria ledger, and the report says there was no spec.
 */

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('tfactory evaluate on a PR without a spec', () => {
  let sec: SecurityRepo;
  let report: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('py-shipping');
    sec.repo.git('rm', '-r', '--quiet', '.aifactory');
    sec.repo.commit('no spec on this branch');
    report = await sec.evaluate(['test_good.py']);
  }, 10 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it('grades the tests as with a spec: both accepted, each failing on base', () => {
    const tests = testsOf(report, 'test_good.py');
    expect(tests.map((t) => [t.name, t.verdict])).toEqual([
      ['test_canada_parcel_of_three_kilos', 'accept'],
      ['test_us_parcel_of_one_kilo', 'accept'],
    ]);
    for (const t of tests) expect(t.signals.failToPass).toBe('fail-to-pass');
  });

  it('has no spec and no criteria, and says so', () => {
    expect(report.spec).toBeNull();
    expect(report.acs).toEqual([]);
    expect(report.summary.acsTotal).toBe(0);
    expect(report.notes).toContain('No spec: the tests were graded without a criteria ledger (no .aifactory or .agent-os spec, no criteria in the PR description).');
  });
});
