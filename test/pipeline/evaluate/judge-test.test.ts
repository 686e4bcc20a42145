import { describe, expect, it } from 'vitest';
import { TfError } from '../../../src/errors.js';
import { judgeTest, worthJudging } from '../../../src/pipeline/stages/evaluate/judge-test.js';
import { buildTestRows } from '../../../src/pipeline/stages/evaluate/test-rows.js';
import { createScriptedLlm } from '../../fakes/scripted-llm.js';
import { loadPricingIngest } from '../../llm/pricing-fixture.js';
import { candidate, graderResult, measuredTest } from './grader-fixtures.js';

const FILE = 'tests/test_pricing_tfactory_1.py';
const outcome = { tests: [{ id: `${FILE}::test_cap`, name: 'test_cap', findings: [], source: 'def test_cap():\n    assert apply_discount(100.0, 80) == 50.0', line: 1 }], fileFindings: [] };

function row(passes: boolean) {
  const [r] = buildTestRows(candidate(FILE, 'whole file'), outcome, graderResult([measuredTest(FILE, 'test_cap', { passes })]), undefined);
  if (!r) throw new Error('one row');
  return r;
}

describe('judgeTest', () => {
  it('is asked only about tests every other signal accepts', () => {
    expect(worthJudging(row(true), true)).toBe(true);
    expect(worthJudging(row(false), true)).toBe(false);
    expect(worthJudging({ ...row(true), infraErrors: ['engine down'] }, true)).toBe(false);
    // A test that kills no mutant is rejected whatever the judge says: no call.
    const weak = row(true);
    const noKills = { ...weak, signals: { ...weak.signals, mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 3, notReached: 0, total: 3 } } };
    expect(worthJudging(noKills, true)).toBe(false);
  });

  it('sends the test function and the criteria it cites, and returns the majority', async () => {
    const llm = createScriptedLlm([{ relevant: true, rationale: 'checks the cap' }, { relevant: true, rationale: 'yes' }]);
    const j = await judgeTest(llm, row(true), candidate(FILE, 'whole file'), loadPricingIngest(), new AbortController().signal);
    expect(j).toEqual({ judge: { relevant: true, votes: 2, of: 2 } });
    expect(llm.requests[0]?.prompt).toContain('assert apply_discount(100.0, 80) == 50.0');
    expect(llm.requests[0]?.sharedContext[0]).toContain('AC#1');
    expect(llm.requests[0]?.sharedContext[0]).not.toContain('AC#2');
  });

  it('judges a test citing no criterion against the whole spec', async () => {
    const llm = createScriptedLlm(() => ({ relevant: false, rationale: 'tests formatting only' }));
    const j = await judgeTest(llm, row(true), candidate(FILE, 'whole file', { acIds: [] }), loadPricingIngest(), new AbortController().signal);
    expect(j.judge).toEqual({ relevant: false, votes: 0, of: 2, rationale: 'tests formatting only' });
    expect(llm.requests[0]?.sharedContext[0]).toContain('AC#3');
  });

  it('leaves the signal empty with a note when the model cannot answer', async () => {
    const llm = createScriptedLlm(() => {
      throw new TfError('LLM_FAILED', 'the model service is down');
    });
    const j = await judgeTest(llm, row(true), candidate(FILE, 'whole file'), loadPricingIngest(), new AbortController().signal);
    expect(j).toEqual({ judge: null, note: `The relevance judge could not grade ${FILE}::test_cap: the model service is down` });
  });
});
