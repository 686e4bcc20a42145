import { describe, expect, it } from 'vitest';
import { createPublishStage } from '../../../src/pipeline/stages/publish/publish-stage.js';
import { planPublication } from '../../../src/pipeline/stages/publish/prune-files.js';
import type { CandidateFile, Publisher, StageContext } from '../../../src/pipeline/types.js';
import type { Report, ReportTest, Verdict } from '../../../src/report/types.js';
import type { Run } from '../../../src/runs/types.js';
import { makeReport, reportTest } from '../../fakes/reports.js';
import { testSettings } from '../../fakes/settings.js';
import { loadPricingIngest } from '../../llm/pricing-fixture.js';
import { candidate, graderContext, graderResult, graderSandbox, measuredTest } from '../evaluate/grader-fixtures.js';

const MIXED = 'tests/test_pricing_tfactory_1.py';
const WHOLE = 'tests/test_pricing_tfactory_2.py';
const PROVIDED = 'tests/test_given.py';
const PARAM = 'tests/test_pricing_tfactory_3.py';

const mixed = candidate(MIXED, `from shop.pricing import price

LIMIT = 100


def test_a():
    assert price(LIMIT) == 90


def test_b():
    assert price(1) is not None


def test_c():
    assert price(99) == 99
`);
const whole = candidate(WHOLE, 'def test_w():\n    assert 1 + 1 == 2\n');
const provided = candidate(PROVIDED, 'def test_p():\n    assert True\n\n\ndef test_q():\n    assert False\n', { origin: 'provided' });
const param = candidate(PARAM, `import pytest


@pytest.mark.parametrize("n", [1, 2])
def test_n(n):
    assert n > 0


def test_m():
    assert 2 == 2
`);

function reportOf(tests: Array<[file: string, name: string, verdict: Verdict]>): Report {
  const list: ReportTest[] = tests.map(([file, name, verdict]) => reportTest(name, { id: `${file}::${name}`, file, verdict }));
  return { ...makeReport({}), tests: list, acs: [{ id: 'AC#1', text: 'x', status: 'verified', tests: list.filter((t) => t.verdict === 'accept').map((t) => t.id) }] };
}

const REPORT = reportOf([
  [MIXED, 'test_a', 'accept'], [MIXED, 'test_b', 'flag'], [MIXED, 'test_c', 'accept'],
  [WHOLE, 'test_w', 'accept'],
  [PROVIDED, 'test_p', 'accept'], [PROVIDED, 'test_q', 'reject'],
  [PARAM, 'test_n[1]', 'accept'], [PARAM, 'test_n[2]', 'reject'], [PARAM, 'test_m', 'accept'],
]);

describe('planPublication', () => {
  it('publishes whole files whole, cuts a generated file down to its accepted functions, and says why each accepted test is left out', () => {
    const plan = planPublication(REPORT, [mixed, whole, provided, param], { commitFlagged: false });
    expect(plan.files.map((f) => [f.file.path, f.pruned, f.tests.map((t) => t.name)])).toEqual([
      [MIXED, true, ['test_a', 'test_c']],
      [WHOLE, false, ['test_w']],
      [PARAM, true, ['test_m']],
    ]);
    const cut = plan.files[0]?.file;
    expect(cut?.content).toContain('LIMIT = 100');
    expect(cut?.content).not.toContain('def test_b');
    expect(cut?.publishedTests).toEqual(['test_a', 'test_c']);
    expect(plan.files[2]?.file.content).not.toContain('test_n');
    expect(plan.leftOut).toEqual([
      { test: `${PROVIDED}::test_p`, reason: expect.stringContaining('a provided file is published whole or not at all') },
      { test: `${PARAM}::test_n[1]`, reason: 'other cases of the same test function were not accepted' },
    ]);
  });

  it('with commitFlagged, a flagged test is publishable too: the file goes whole', () => {
    const plan = planPublication(REPORT, [mixed], { commitFlagged: true });
    expect(plan.files.map((f) => [f.file.path, f.pruned])).toEqual([[MIXED, false]]);
    expect(plan.files[0]?.file.content).toBe(mixed.content);
  });
});

function recordingPublisher(sha?: string): Publisher & { got: Array<{ report: Report; files: CandidateFile[] }> } {
  const got: Array<{ report: Report; files: CandidateFile[] }> = [];
  return {
    got,
    stageChanged: async () => {},
    async publish(_run, report, files) {
      got.push({ report, files });
      return sha ? { commitSha: sha, notes: [] } : { notes: ['tests not pushed: the branch is protected'] };
    },
  };
}

function contextWith(result: ReturnType<typeof graderResult>, publisher: Publisher): { ctx: StageContext; calls: () => number } {
  const sandbox = graderSandbox(result);
  const base = graderContext(sandbox);
  const run = {
    ...base.run,
    request: {
      settings: testSettings(),
      source: { kind: 'github', owner: 'acme', repo: 'shop', pullNumber: 7, installationId: 1, headRef: 'feature', headSha: 'h', baseRef: 'main', baseSha: 'b', cloneUrl: 'x' },
      options: {},
    },
  } as unknown as Run;
  return { ctx: { ...base, run, ports: { ...base.ports, publisher } }, calls: () => sandbox.calls.length };
}

const imageFor = async () => 'runner:py';

describe('the publish stage', () => {
  it('runs the cut file again, commits it when it passes, and reports what went where', async () => {
    const publisher = recordingPublisher('abc123abc123abc123');
    const { ctx, calls } = contextWith(graderResult([measuredTest(MIXED, 'test_a'), measuredTest(MIXED, 'test_c')]), publisher);
    const stage = createPublishStage({ imageFor });
    const out = await stage(ctx, REPORT, { candidates: [mixed, whole], stuck: [] }, loadPricingIngest());
    expect(calls()).toBe(1);
    expect(publisher.got[0]?.files.map((f) => f.path)).toEqual([MIXED, WHOLE]);
    // The publisher sees the publication about to happen (its PR comment renders it).
    expect(publisher.got[0]?.report.publication?.target).toEqual({ kind: 'pending', branch: 'feature' });
    expect(out.publication).toEqual({
      target: { kind: 'commit', commitSha: 'abc123abc123abc123', branch: 'feature', repository: 'acme/shop' },
      files: [
        { path: MIXED, tests: [`${MIXED}::test_a`, `${MIXED}::test_c`], pruned: true },
        { path: WHOLE, tests: [`${WHOLE}::test_w`], pruned: false },
      ],
      leftOut: [],
    });
  });

  it('leaves a cut file out, naming the test that no longer passes, and still publishes the rest', async () => {
    const publisher = recordingPublisher(undefined);
    const { ctx } = contextWith(graderResult([measuredTest(MIXED, 'test_a'), measuredTest(MIXED, 'test_c', { passes: false })]), publisher);
    const out = await createPublishStage({ imageFor })(ctx, REPORT, { candidates: [mixed, whole], stuck: [] }, loadPricingIngest());
    expect(publisher.got[0]?.files.map((f) => f.path)).toEqual([WHOLE]);
    expect(out.publication?.leftOut).toEqual([
      { test: `${MIXED}::test_a`, reason: 'its file no longer passes once cut down to the accepted tests (test_c failed: assert 1 == 2)' },
      { test: `${MIXED}::test_c`, reason: 'its file no longer passes once cut down to the accepted tests (test_c failed: assert 1 == 2)' },
    ]);
    // A publisher that wrote nothing: the reason is its own.
    expect(out.publication?.target).toEqual({ kind: 'none', reason: 'tests not pushed: the branch is protected' });
  });

  it('does not start a container when no file needed cutting', async () => {
    const publisher = recordingPublisher('s');
    const { ctx, calls } = contextWith(graderResult([]), publisher);
    await createPublishStage({ imageFor })(ctx, REPORT, { candidates: [whole], stuck: [] }, loadPricingIngest());
    expect(calls()).toBe(0);
  });
});
