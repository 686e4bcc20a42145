import { describe, expect, it } from 'vitest';
import { TfError } from '../../../src/errors.js';
import { judgeCandidate, judgeCandidates, judgeContext, worthJudging } from '../../../src/pipeline/stages/evaluate/judge-test.js';
import { batchFiles, JUDGE_BATCH_CHARS } from '../../../src/pipeline/stages/evaluate/judge.js';
import { buildTestRows } from '../../../src/pipeline/stages/evaluate/test-rows.js';
import type { LlmRequest } from '../../../src/llm/port.js';
import { createScriptedLlm } from '../../fakes/scripted-llm.js';
import { loadPricingIngest } from '../../llm/pricing-fixture.js';
import { candidate, graderResult, measuredTest } from './grader-fixtures.js';

const FILE = 'tests/test_pricing_tfactory_1.py';
const CONTENT = `from shop.pricing import apply_discount

CAP = 50.0


def test_cap():
    assert apply_discount(100.0, 80) == CAP


def test_none():
    assert apply_discount(100.0, 0) == 100.0
`;
const outcome = {
  tests: [
    { id: `${FILE}::test_cap`, name: 'test_cap', findings: [], source: 'def test_cap():\n    assert apply_discount(100.0, 80) == CAP', line: 6 },
    { id: `${FILE}::test_none`, name: 'test_none', findings: [], source: 'def test_none():\n    assert apply_discount(100.0, 0) == 100.0', line: 10 },
  ],
  fileFindings: [],
};

function rows(passes = true) {
  return buildTestRows(candidate(FILE, CONTENT), outcome, graderResult([measuredTest(FILE, 'test_cap', { passes }), measuredTest(FILE, 'test_none')]), undefined);
}

/** The judge's answer for the tests a request lists: `relevant` per name (default true). */
function answer(relevant: Record<string, boolean[]> = {}) {
  const seen = new Map<string, number>();
  return (req: LlmRequest<unknown>) => ({
    tests: [...req.prompt.matchAll(/^- `([^`]+)` claims/gm)].map((m) => {
      const name = m[1] as string;
      const n = seen.get(name) ?? 0;
      seen.set(name, n + 1);
      const r = relevant[name]?.[n] ?? true;
      return { name, relevant: r, rationale: r ? 'exact values of AC#1' : `${name} only checks a vague property` };
    }),
  });
}

const shared = judgeContext(loadPricingIngest());
const signal = new AbortController().signal;

describe('the relevance judge', () => {
  it('is asked only about tests every other signal accepts', () => {
    const [cap] = rows();
    if (!cap) throw new Error('a row');
    expect(worthJudging(cap, true)).toBe(true);
    expect(worthJudging(rows(false)[0]!, true)).toBe(false);
    expect(worthJudging({ ...cap, infraErrors: ['engine down'] }, true)).toBe(false);
    // A test that kills no mutant is rejected whatever the judge says: no call.
    const noKills = { ...cap, signals: { ...cap.signals, mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 3, notReached: 0, total: 3 } } };
    expect(worthJudging(noKills, true)).toBe(false);
  });

  it('judges every test of a file in one call, with the whole test file, the spec and the changed code whole', async () => {
    const llm = createScriptedLlm(answer());
    const list = rows();
    const j = await judgeCandidate(llm, list, candidate(FILE, CONTENT), shared, signal);
    expect(j).toEqual({ notes: [], calls: 1 });
    expect(list.map((r) => r.signals.judge)).toEqual([{ relevant: true, votes: 1, of: 1 }, { relevant: true, votes: 1, of: 1 }]);
    expect(llm.requests).toHaveLength(1);
    const req = llm.requests[0];
    // The whole file: the module constant the test uses is there.
    expect(req?.prompt).toContain(CONTENT.trimEnd());
    expect(req?.prompt).toContain(`- \`${FILE}::test_cap\` claims AC#1\n- \`${FILE}::test_none\` claims AC#1`);
    // The spec block the planner and generator send, and the changed file whole (bodies, not signatures).
    expect(req?.sharedContext[0]).toContain('AC#3');
    expect(req?.sharedContext[1]).toContain('## shop/pricing.py (whole file)');
    expect(req?.sharedContext[1]).toContain('effective = min(pct, MAX_DISCOUNT_PCT)');
  });

  it('asks a second opinion only about the dissenting tests, and flags a test only when both readings dissent', async () => {
    const llm = createScriptedLlm(answer({ [`${FILE}::test_cap`]: [false, false], [`${FILE}::test_none`]: [true] }));
    const list = rows();
    const j = await judgeCandidate(llm, list, candidate(FILE, CONTENT), shared, signal);
    expect(j.calls).toBe(2);
    expect(llm.requests[1]?.prompt).toContain('(a second reading)');
    expect(llm.requests[1]?.prompt).toContain(`- \`${FILE}::test_cap\` claims`);
    expect(llm.requests[1]?.prompt).not.toContain(`- \`${FILE}::test_none\` claims`);
    expect(list.map((r) => r.signals.judge)).toEqual([
      { relevant: false, votes: 0, of: 2, rationale: `${FILE}::test_cap only checks a vague property` },
      { relevant: true, votes: 1, of: 1 },
    ]);

    const again = createScriptedLlm(answer({ [`${FILE}::test_cap`]: [false, true] }));
    const second = rows();
    await judgeCandidate(again, second, candidate(FILE, CONTENT), shared, signal);
    expect(second[0]?.signals.judge).toEqual({ relevant: true, votes: 1, of: 2 });
  });

  it('judges the files of a run together in one call, split only past the budget, with a second opinion only on dissent', async () => {
    const OTHER = 'tests/test_pricing_tfactory_2.py';
    const other = () => buildTestRows(candidate(OTHER, CONTENT), { ...outcome, tests: outcome.tests.map((t) => ({ ...t, id: t.id.replace(FILE, OTHER) })) }, graderResult([measuredTest(OTHER, 'test_cap'), measuredTest(OTHER, 'test_none')]), undefined);
    const llm = createScriptedLlm(answer({ [`${OTHER}::test_none`]: [false, false] }));
    const a = rows();
    const b = other();
    const j = await judgeCandidates(llm, [{ candidate: candidate(FILE, CONTENT), rows: a }, { candidate: candidate(OTHER, CONTENT), rows: b }], shared, signal);
    // One call for both files (the same test names in each, told apart by their file), one second opinion for the dissent.
    expect(j).toEqual({ notes: [], calls: 2 });
    expect(llm.requests[0]?.prompt).toContain(`## Test file \`${FILE}\``);
    expect(llm.requests[0]?.prompt).toContain(`## Test file \`${OTHER}\``);
    expect(llm.requests[1]?.prompt).not.toContain(`## Test file \`${FILE}\``);
    expect([...a, ...b].map((r) => r.signals.judge?.relevant)).toEqual([true, true, true, false]);

    // Past the budget, the files go in separate calls.
    expect(batchFiles([{ content: 'x'.repeat(30) }, { content: 'y'.repeat(30) }, { content: 'z'.repeat(10) }], 50).map((b) => b.length)).toEqual([1, 2]);
    const split = createScriptedLlm(answer());
    const k = await judgeCandidates(split, [{ candidate: candidate(FILE, CONTENT), rows: rows() }, { candidate: candidate(OTHER, CONTENT), rows: other() }], shared, signal);
    expect(k.calls).toBe(1);
    expect(JUDGE_BATCH_CHARS).toBeGreaterThan(2 * CONTENT.length);
  });

  it('takes an answer that names a test by its bare name when that is unique', async () => {
    const llm = createScriptedLlm(() => ({ tests: [{ name: 'test_cap', relevant: true, rationale: 'AC#1 exact value' }, { name: `${FILE}::test_none`, relevant: true, rationale: 'AC#1' }] }));
    const list = rows();
    const j = await judgeCandidate(llm, list, candidate(FILE, CONTENT), shared, signal);
    expect(j.notes).toEqual([]);
    expect(list.map((r) => r.signals.judge?.relevant)).toEqual([true, true]);
  });

  it('sends the same shared blocks, byte for byte, with every judge call of a run', async () => {
    const llm = createScriptedLlm(answer({ [`${FILE}::test_cap`]: [false, false] }));
    await judgeCandidate(llm, rows(), candidate(FILE, CONTENT), judgeContext(loadPricingIngest()), signal);
    await judgeCandidate(llm, rows(), candidate('tests/test_other.py', CONTENT), judgeContext(loadPricingIngest()), signal);
    expect(new Set(llm.requests.map((r) => JSON.stringify([r.system, r.sharedContext]))).size).toBe(1);
  });

  it('leaves the signals empty with a note when the model cannot answer, or leaves a test out', async () => {
    const down = createScriptedLlm(() => {
      throw new TfError('LLM_FAILED', 'the model service is down');
    });
    const list = rows();
    const j = await judgeCandidate(down, list, candidate(FILE, CONTENT), shared, signal);
    expect(j.notes).toEqual([
      `The relevance judge could not grade ${FILE}::test_cap: the model service is down`,
      `The relevance judge could not grade ${FILE}::test_none: the model service is down`,
    ]);
    expect(list.every((r) => r.signals.judge === null)).toBe(true);

    const partial = createScriptedLlm(() => ({ tests: [{ name: 'test_cap', relevant: true, rationale: 'ok' }, { name: 'test_unknown', relevant: false, rationale: 'x' }] }));
    const some = rows();
    const k = await judgeCandidate(partial, some, candidate(FILE, CONTENT), shared, signal);
    expect(k.notes).toEqual([`The relevance judge gave no answer about ${FILE}::test_none.`]);
    expect(some[0]?.signals.judge).toEqual({ relevant: true, votes: 1, of: 1 });
  });
});
