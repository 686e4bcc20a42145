import { describe, expect, it, vi } from 'vitest';
import type { StaticCheckOutcome } from '../../../src/languages/static-check-types.js';
import { evaluateCandidates, type StaticChecker } from '../../../src/pipeline/stages/evaluate/evaluate.js';
import { createScriptedLlm } from '../../fakes/scripted-llm.js';
import { testSettings } from '../../fakes/settings.js';
import { loadPricingIngest } from '../../llm/pricing-fixture.js';
import { candidate, graderContext, graderResult, graderSandbox, gradings, measuredTest } from './grader-fixtures.js';

const GEN = 'tests/test_pricing_tfactory_1.py';
const PROVIDED = 'tests/test_notes.py';
const genChecks: StaticCheckOutcome = {
  tests: [
    { id: `${GEN}::test_cap`, name: 'test_cap', findings: [], source: 'def test_cap():\n    assert apply_discount(100.0, 80) == 50.0', line: 3 },
    { id: `${GEN}::test_wrong`, name: 'test_wrong', findings: [], source: 'def test_wrong():\n    assert apply_discount(100.0, 80) == 60.0', line: 6 },
  ],
  fileFindings: [],
};
const noTests: StaticCheckOutcome = { tests: [], fileFindings: [{ rule: 'no-tests', severity: 'high', message: 'no test function found in the file' }] };
const options = { ...testSettings().evaluation, failToPass: false };

function candidates() {
  return [
    candidate(GEN, 'def test_cap(): ...\ndef test_wrong(): ...\n', { checks: genChecks }),
    candidate(PROVIDED, '# notes, no tests\n', { origin: 'provided', acIds: [] }),
  ];
}

describe('evaluateCandidates on a fake sandbox', () => {
  it('checks each candidate once, runs one grader, judges only passing tests, and decides every verdict', async () => {
    const sandbox = graderSandbox(graderResult([measuredTest(GEN, 'test_cap', { kills: 2 }), measuredTest(GEN, 'test_wrong', { passes: false, kills: 0 })]));
    const llm = createScriptedLlm(() => ({ tests: [{ name: 'test_cap', relevant: true, rationale: 'checks the cap' }] }));
    const staticChecks = vi.fn<StaticChecker>(async (items) => items.map(() => noTests));
    const ctx = graderContext(sandbox, llm);
    const out = await evaluateCandidates(ctx, loadPricingIngest(), candidates(), options, { staticChecks, imageFor: async () => 'runner:py' });

    // Static checks: the generated file's outcome was reused; only the provided file was checked.
    expect(staticChecks).toHaveBeenCalledTimes(1);
    expect(staticChecks.mock.calls[0]?.[0].map((i) => i.candidate.path)).toEqual([PROVIDED]);
    // One grading for the one Python project (in parts side by side when the machine has two cores).
    expect(gradings(sandbox)).toHaveLength(1);
    expect(out.tests.map((t) => [t.id, t.verdict])).toEqual([
      [`${GEN}::test_cap`, 'accept'],
      [`${GEN}::test_wrong`, 'reject'],
      [`${PROVIDED}::(file)`, 'reject'],
    ]);
    expect(out.tests[1]?.reasons[0]?.code).toBe('fails-on-head');
    expect(out.tests[0]).toMatchObject({ line: 3, subtaskId: 'S1', origin: 'generated', signals: { judge: { relevant: true } } });
    // One judge call for the run, about the passing test only (the failing one is rejected whatever it says);
    // the answer may name a test by its bare name when that is unique.
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]?.prompt).toContain(`- \`${GEN}::test_cap\` claims AC#1`);
    expect(llm.requests[0]?.prompt).not.toContain('test_wrong` claims');
    expect(out.sources[`${GEN}::test_cap`]).toContain('== 50.0');
    expect(out.languages[`${GEN}::test_cap`]).toBe('python');
    expect(out.stats).toMatchObject({ executions: 8, necessaryMs: 10, mutants: 1 });
    expect(ctx.progressCalls).toEqual([['evaluate', 0, 2], ['evaluate', 1, 2], ['evaluate', 2, 2]]);
  });

  it('turns a grader without result into error verdicts for every test, and asks no judge', async () => {
    const sandbox = graderSandbox(undefined, { exitCode: 1, stderr: 'Traceback' });
    const llm = createScriptedLlm([]);
    const out = await evaluateCandidates(graderContext(sandbox, llm), loadPricingIngest(), candidates(), options, { staticChecks: async (items) => items.map(() => noTests), imageFor: async () => 'runner:py' });
    expect(out.tests.map((t) => t.verdict)).toEqual(['error', 'error', 'error']);
    expect(out.tests[0]?.reasons[0]?.code).toBe('infrastructure');
    expect(llm.requests).toHaveLength(0);
  });

  it('names a candidate no detected project takes (a TS test in a Python-only change) instead of dropping it', async () => {
    const sandbox = graderSandbox(graderResult([measuredTest(GEN, 'test_cap')]));
    const stray = candidate('web/app.test.ts', "test('x', () => {});\n", { language: 'typescript', framework: 'vitest', origin: 'provided', acIds: [] });
    const out = await evaluateCandidates(graderContext(sandbox), loadPricingIngest(), [candidates()[0]!, stray], { ...options, judge: false }, { staticChecks: async (items) => items.map(() => genChecks), imageFor: async () => 'runner:py' });
    const row = out.tests.find((t) => t.file === 'web/app.test.ts');
    expect(row).toMatchObject({ name: '(file)', verdict: 'error', reasons: [{ code: 'infrastructure' }] });
    expect(row?.reasons[0]?.text).toContain('no project TFactory detected for the change takes it (projects: python at .)');
    expect(out.notes.some((n) => n.startsWith('web/app.test.ts was not graded: no project'))).toBe(true);
    expect(gradings(sandbox)).toHaveLength(1);
  });

  it('never asks the judge when the run turned it off', async () => {
    const sandbox = graderSandbox(graderResult([measuredTest(GEN, 'test_cap')]));
    const llm = createScriptedLlm([]);
    const out = await evaluateCandidates(graderContext(sandbox, llm), loadPricingIngest(), candidates().slice(0, 1), { ...options, judge: false }, { staticChecks: async (items) => items.map(() => noTests), imageFor: async () => 'runner:py' });
    expect(out.tests[0]?.signals.judge).toBeNull();
    expect(llm.requests).toHaveLength(0);
  });
});

describe('evaluateCandidates: a candidate whose path leads through a link', () => {
  it('is refused and named, nothing is written outside the tree, and the others are graded as usual', async () => {
    const { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const ws = mkdtempSync(join(tmpdir(), 'tfactory-linked-ws-'));
    const host = mkdtempSync(join(tmpdir(), 'tfactory-linked-host-'));
    try {
      cpSync(loadPricingIngest().workspaceDir, ws, { recursive: true });
      // The PR committed `evil/` as a link to a host folder; a candidate is to be placed in it.
      symlinkSync(host, join(ws, 'evil'));
      const sandbox = graderSandbox(graderResult([measuredTest(GEN, 'test_cap', { kills: 2 }), measuredTest(GEN, 'test_wrong', { passes: false, kills: 0 })]));
      const hostile = candidate('evil/test_planted.py', 'def test_x():\n    assert 1 == 1\n', { origin: 'provided', acIds: [] });
      const out = await evaluateCandidates(graderContext(sandbox), loadPricingIngest(ws), [candidates()[0]!, hostile], { ...options, judge: false }, { staticChecks: async (items) => items.map(() => noTests), imageFor: async () => 'runner:py' });
      expect(existsSync(join(host, 'test_planted.py'))).toBe(false);
      const refused = out.tests.find((t) => t.file === 'evil/test_planted.py');
      expect(refused).toMatchObject({ verdict: 'reject', reasons: [{ code: 'unsafe-path' }] });
      expect(refused?.reasons[0]?.text).toContain('evil is a symbolic link in the repository');
      expect(out.tests.filter((t) => t.file === GEN).map((t) => t.verdict)).toEqual(['accept', 'reject']);
      expect(sandbox.calls[0]?.container.workspace).toBeDefined();
    } finally {
      rmSync(ws, { recursive: true, force: true });
      rmSync(host, { recursive: true, force: true });
    }
  });
});
