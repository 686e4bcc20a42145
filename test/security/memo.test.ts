import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createSecurityRepo, gradeOf, testsOf, type SecurityRepo } from './evaluate-helpers.js';

/**
 * A test with no expected value of its own that leaves what the head code returned in a file and
 * compares every later run with it (base, the control, each mutant): without a reset between runs it
 * "fails on base" and "kills" every mutant that changes the value. The TS grader puts every writable
 * place back after each invocation (runtime/writable.mjs): /tmp, HOME, the project copy's new files
 * and cache folders, the grader's own tmpfs. Graded by `tfactory evaluate` in the real sandbox with a
 * good candidate in the same run, which keeps exactly the grade it gets alone.
 */

const hasDocker = requireDocker();
const MEMOS = ['remembers-in-tmp.test.ts', 'remembers-in-copy.test.ts'];

describe.skipIf(!hasDocker)('TypeScript tests that remember an earlier run in a file (fixtures/security/ts-shipping)', () => {
  let sec: SecurityRepo;
  let hostile: Report;
  let alone: Report;

  beforeAll(async () => {
    sec = await createSecurityRepo('ts-shipping');
    hostile = await sec.evaluate([...MEMOS, 'good.test.ts']);
    alone = await sec.evaluate(['good.test.ts']);
  }, 20 * 60_000);
  afterAll(async () => {
    await sec.cleanup();
  });

  it.each(MEMOS)('%s: nothing of the head run reaches base or the mutants, so it fails on neither', (file) => {
    const [t] = testsOf(hostile, file);
    expect(t?.verdict).not.toBe('accept');
    expect(t?.signals.failToPass).toBe('pass-to-pass');
    expect(t?.signals.mutation?.killed).toBe(0);
    expect(t?.signals.mutation?.survived ?? 0).toBeGreaterThan(0);
  });

  it('grades the good candidate in the same run exactly as it grades it alone', () => {
    expect(testsOf(hostile, 'good.test.ts').map((t) => t.signals.mutation)).toEqual(testsOf(alone, 'good.test.ts').map((t) => t.signals.mutation));
    expect(testsOf(hostile, 'good.test.ts').map(gradeOf)).toEqual(testsOf(alone, 'good.test.ts').map(gradeOf));
    expect(testsOf(alone, 'good.test.ts').map((t) => t.verdict)).toEqual(['accept', 'accept']);
    expect(hostile.tests.filter((t) => t.verdict === 'error')).toEqual([]);
  });
});
