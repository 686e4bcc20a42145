import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { evaluateFixture, RUNNER_CASES, testsOf } from './runner-fixtures.js';

/**
 * Issue 12 item 1: the runners people have. Each fixture (fixtures/runners/<runner-version>) is the
 * same change (discount codes) in a project of one runner × version × module system × transform,
 * with its own configuration file and a real install from the npm registry, graded in the real
 * sandbox. The good candidate fails on base, passes on head and kills mutants by assertion; its
 * copy without assertions is rejected; where a forged-events candidate is graded too, it is rejected
 * as tampering. jest 29 with plain CommonJS JavaScript is graded the same way
 * in test/security/jest-runner.test.ts. The test names below are the matrix.
 */

const hasDocker = requireDocker();

for (const c of RUNNER_CASES) describe.skipIf(!hasDocker)(`${c.runner} ${c.version}, ${c.modules}, transform: ${c.transform} (fixtures/runners/${c.fixture})`, () => {
  let report: Report;

  beforeAll(async () => {
    report = await evaluateFixture(c, [`good.test.${c.ext}`, `no-assert.test.${c.ext}`, ...(c.hostile ? [`forged-events.test.${c.ext}`] : [])]);
  }, 10 * 60_000);

  it('runs every candidate test: no grader error, no test without a result', () => {
    expect(report.tests.filter((t) => t.verdict === 'error').map((t) => t.reasons.map((r) => r.text).join(' | '))).toEqual([]);
    expect(report.tests).toHaveLength(c.hostile ? 4 : 3);
  });

  it('accepts the good candidate: fails on base, passes on head, kills mutants by assertion', () => {
    const good = testsOf(report, `good.test.${c.ext}`);
    expect(good.map((t) => [t.name, t.verdict]).sort()).toEqual([
      ['discount codes > halves with HALF and leaves unknown codes alone', 'accept'],
      ['discount codes > takes 10% off with SAVE10', 'accept'],
    ]);
    for (const t of good) {
      expect(t.signals.failToPass).toBe('fail-to-pass');
      expect(t.signals.passes).toMatchObject({ ok: true });
      expect(t.signals.mutation?.killedByAssertion ?? 0).toBeGreaterThan(0);
    }
  });

  it('rejects the copy without assertions', () => {
    const weak = testsOf(report, `no-assert.test.${c.ext}`);
    expect(weak.map((t) => t.verdict)).toEqual(['reject']);
    expect(weak[0]?.signals.mutation?.killedByAssertion ?? 0).toBe(0);
  });

  if (c.hostile) it("rejects a test that appends unsigned result lines to the grader's event file", () => {
    const forged = testsOf(report, `forged-events.test.${c.ext}`);
    expect(forged.map((t) => [t.verdict, t.reasons.filter((r) => r.code === 'tampers-with-grader').map((r) => r.text)])).toEqual([
      ['reject', ["It tampers with the grader: it wrote into the grader's result file (lines the grader's reporter did not sign, or the file cut or replaced)."]],
    ]);
    expect(forged[0]?.signals.passes).toMatchObject({ ok: false });
  });
});
