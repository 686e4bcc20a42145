import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportTest } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, gradeOf, testsOf, type SecurityRepo } from './evaluate-helpers.js';

/**
 * Candidates that know no expected value of their own but "kill" mutants all the same, by
 * remembering what the head code returned (fixtures/security/py-memo): in a file (/tmp, HOME, beside
 * pytest's basetemp, written at import) compared in every later run, or in a value computed from
 * the code under test while their module was imported (through importlib/getattr, or in a
 * parametrize list, or by the module's own pytest_generate_tests while it was collected): the session's
 * parent imports and collects once, before any mutant is swapped in a child.
 * Graded by `tfactory evaluate` in the real sandbox. None may be accepted nor kill a mutant by
 * assertion (src/languages/python/runtime/tfactory_rt/fsreset.py, importwatch.py); a good candidate
 * in the same run keeps exactly the grade it gets alone; module-level objects built with the changed
 * code (`ITEMS = [Item(1), Item(12)]`, checked against values the test knows) are graded with real kills.
 */

const hasDocker = requireDocker();

// test_zz_good_later.py is collected after the modules that computed values at import: it runs again in each mutant's child
const GOOD = ['test_good.py', 'test_zz_good_later.py'];
const HOSTILE = ['test_memo_tmp.py', 'test_memo_home.py', 'test_memo_written_at_import.py', 'test_memo_import_time.py', 'test_params_at_import.py', 'test_params_generated.py'];

function describeTests(tests: ReportTest[]): string {
  return tests.map((t) => `${t.name}: ${t.verdict} ${JSON.stringify(t.signals.mutation)} ${t.reasons.map((r) => r.code).join(',')}`).join(' | ');
}

describe.skipIf(!hasDocker)('a Python candidate that remembers what the head code returned (fixtures/security/py-memo)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('py-memo');
    hostile = await sec.evaluate([...HOSTILE, 'test_items_at_import.py', ...GOOD]);
    alone = await sec.evaluate(GOOD);
  }, 10 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it.each(HOSTILE)('%s: never accepted, and no mutant killed by its assertion', (file) => {
    const tests = testsOf(hostile, file);
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) {
      expect(t.verdict, describeTests(tests)).not.toBe('accept');
      expect(t.signals.mutation?.killedByAssertion ?? 0, describeTests(tests)).toBe(0);
      // it did pass on head and in every stability run: only the memory was taken away; and the
      // control mutant (a swap that changes nothing, its modules imported again) did not fail it
      expect(t.signals.passes?.ok, describeTests(tests)).toBe(true);
      expect(t.reasons.map((r) => r.code), describeTests(tests)).not.toContain('tampers-with-grader');
    }
  });

  it('grades module-level objects built with the changed code under each mutant: killed by assertion, accepted', () => {
    const [totals] = testsOf(hostile, 'test_items_at_import.py').filter((t) => t.name === 'test_item_totals');
    expect(totals?.verdict, describeTests(testsOf(hostile, 'test_items_at_import.py'))).toBe('accept');
    expect(testsOf(hostile, 'test_items_at_import.py').flatMap((t) => t.reasons.map((r) => r.code))).not.toContain('tampers-with-grader');
    expect(totals?.signals.mutation?.killedByAssertion ?? 0).toBeGreaterThan(0);
    // the lines its import ran are its coverage (Item.__init__ and apply_discount)
    expect(Object.keys(totals?.signals.coverage?.changedLinesCovered ?? {}).sort()).toEqual(['shop/cart.py', 'shop/pricing.py']);
  });

  it.each(GOOD)('grades the good candidate %s in the same run exactly as it grades it alone', (file) => {
    const withHostile = testsOf(hostile, file);
    expect(withHostile.map((t) => t.verdict)).toEqual(['accept', 'accept']);
    expect(withHostile.map(gradeOf)).toEqual(testsOf(alone, file).map(gradeOf));
    expect(withHostile.map((t) => [t.signals.mutation, t.signals.coverage])).toEqual(testsOf(alone, file).map((t) => [t.signals.mutation, t.signals.coverage]));
  });

  it('grades nothing as an error', () => {
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
  });
});
