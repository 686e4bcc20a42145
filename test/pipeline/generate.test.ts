import { describe, expect, it } from 'vitest';
import { createBudget, withBudget } from '../../src/llm/budget.js';
import type { LlmRequest } from '../../src/llm/port.js';
import { loadPrompt } from '../../src/llm/prompts.js';
import { generateTests, type GuardRunner, type ReplanFn } from '../../src/pipeline/stages/generate/generate-tests.js';
import { createReplanner } from '../../src/pipeline/stages/plan/plan-tests.js';
import type { CandidateFile, Subtask, TestPlan } from '../../src/pipeline/types.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';
import { loadPricingIngest, makeStageContext } from '../llm/pricing-fixture.js';

const s1: Subtask = {
  id: 'S1', acIds: ['AC#1'], lane: 'unit', language: 'python', framework: 'pytest', target: 'shop/pricing.py::apply_discount',
  intent: 'apply_discount(100.0, 80) returns 50.0', rationale: 'pins the cap',
};
const s2: Subtask = { ...s1, id: 'S2', acIds: ['AC#3'], target: 'shop/pricing.py::bulk_price', intent: 'bulk_price(2.0, 10) returns 19.0' };
const plan = (...subtasks: Subtask[]): TestPlan => ({ subtasks, promptVersion: '1.0.0' });

const badFile = { content: 'from shop.discounts import cap\n\ndef test_cap():\n    assert cap(80) == 50\n', summary: 'cap' };
const goodFile = { content: '```python\nfrom shop.pricing import apply_discount\n\ndef test_cap():\n    assert apply_discount(100.0, 80) == 50.0\n```', summary: 'cap at 50' };

/** A guard that rejects files importing shop.discounts (a module that does not exist). */
const importGuard: GuardRunner = async (c: CandidateFile) =>
  c.content.includes('shop.discounts')
    ? { decision: 'reject', reasons: ['hallucinated import: shop.discounts does not exist'], checks: { tests: [], fileFindings: [{ rule: 'hallucinated-import', severity: 'high', message: 'imports shop.discounts' }] } }
    : { decision: 'keep', reasons: [], checks: { tests: [{ id: `${c.path}::test_cap`, name: 'test_cap', findings: [{ rule: 'style', severity: 'low', message: 'two asserts would be clearer' }], source: 'def test_cap(): ...', line: 3 }], fileFindings: [] } };

describe('generateTests', () => {
  it('writes one file per subtask in the test folder with unique names, showing the run\'s shared context', async () => {
    const llm = createScriptedLlm([goodFile, { content: 'from shop.pricing import bulk_price\n\ndef test_bulk():\n    assert bulk_price(2.0, 10) == 19.0\n', summary: 'bulk' }]);
    const ctx = makeStageContext(llm);
    const replan: ReplanFn = async () => ({});
    const res = await generateTests(ctx, loadPricingIngest(), plan(s1, s2), { guard: importGuard, replan });
    expect(res.stuck).toEqual([]);
    expect(res.candidates.map((c) => c.path)).toEqual(['tests/test_pricing_tfactory_1.py', 'tests/test_pricing_tfactory_2.py']);
    expect(res.candidates[0]).toEqual({
      path: 'tests/test_pricing_tfactory_1.py',
      content: 'from shop.pricing import apply_discount\n\ndef test_cap():\n    assert apply_discount(100.0, 80) == 50.0\n',
      language: 'python', framework: 'pytest', origin: 'generated', subtaskId: 'S1', acIds: ['AC#1'],
      // The guard's outcome rides on the candidate: evaluate reads it instead of checking again.
      checks: { tests: [{ id: 'tests/test_pricing_tfactory_1.py::test_cap', name: 'test_cap', findings: [{ rule: 'style', severity: 'low', message: 'two asserts would be clearer' }], source: 'def test_cap(): ...', line: 3 }], fileFindings: [] },
    });
    expect(res.promptVersion).toBe(loadPrompt('generator').version);
    expect(llm.requests).toHaveLength(2);
    const [a, b] = llm.requests as [LlmRequest<unknown>, LlmRequest<unknown>];
    expect(a.sharedContext).toEqual(b.sharedContext);
    const [, , head, , imported] = a.sharedContext;
    expect(head).toContain('## shop/pricing.py (whole file)');
    expect(head).toContain('    effective = min(pct, MAX_DISCOUNT_PCT)');
    expect(imported).toContain('## shop/money.py');
    expect(imported).toContain('def round_money(amount: float) -> float: ...');
    expect(imported).not.toContain('return float(int(amount * 100 + 0.5)) / 100');
    expect(a.prompt).toContain('- path: tests/test_pricing_tfactory_1.py');
    expect(a.prompt).toContain('import from the module `shop.pricing`');
    expect(a.prompt).toContain('def test_no_discount_keeps_price');
    expect(ctx.progressCalls).toEqual([['generate', 1, 2], ['generate', 2, 2]]);
  });

  it('sends a test rejected as a hallucinated import back to the planner, and keeps the second good attempt', async () => {
    const replacement = { ...s1, intent: 'apply_discount(100.0, 80) returns 50.0, importing only shop.pricing' };
    const planLlm = createScriptedLlm([{ subtasks: [{ target: replacement.target, acIds: ['AC#1'], intent: replacement.intent, rationale: 'pins the 50 percent cap', replaces: 'S1' }] }]);
    const genLlm = createScriptedLlm([badFile, goodFile]);
    const ingest = loadPricingIngest();
    const replan = createReplanner(makeStageContext(planLlm), ingest);
    const res = await generateTests(makeStageContext(genLlm), ingest, plan(s1), { guard: importGuard, replan });
    expect(res.stuck).toEqual([]);
    expect(res.candidates).toHaveLength(1);
    expect(res.candidates[0]?.content).toContain('from shop.pricing import apply_discount');
    expect(planLlm.requests[0]?.prompt).toContain('- rejected because: attempt 1: hallucinated import: shop.discounts does not exist');
    expect(genLlm.requests[1]?.prompt).toContain(`- intent: ${replacement.intent}`);
    expect(genLlm.requests[1]?.prompt).toContain('## Earlier tests for this behaviour were rejected');
    expect(planLlm.requests.length + genLlm.requests.length).toBe(3);
  });

  it('marks a subtask rejected three times as stuck, with every reason, and commits nothing for it', async () => {
    const replans: string[] = [];
    const replan: ReplanFn = async (subtask, reason) => {
      replans.push(reason);
      return { subtask };
    };
    const res = await generateTests(makeStageContext(createScriptedLlm(() => badFile)), loadPricingIngest(), plan(s1), { guard: importGuard, replan });
    expect(res.candidates).toEqual([]);
    expect(replans).toHaveLength(2);
    expect(res.stuck).toEqual([{
      subtaskId: 'S1', target: 'shop/pricing.py::apply_discount', acIds: ['AC#1'],
      reasons: [1, 2, 3].map((n) => `attempt ${n}: hallucinated import: shop.discounts does not exist`),
    }]);
  });

  it('turns budget exhaustion into stuck subtasks instead of a crash', async () => {
    const budget = createBudget({ maxCalls: 1 });
    const llm = createScriptedLlm(() => goodFile);
    const replan: ReplanFn = async () => {
      throw new Error('not reached');
    };
    // The pipeline hands every stage a budgeted port (run-pipeline's meterModel); the stage turns refusal into stuck.
    const res = await generateTests(makeStageContext(withBudget(llm, budget)), loadPricingIngest(), plan(s1, s2), { guard: importGuard, replan });
    expect(res.candidates.map((c) => c.subtaskId)).toEqual(['S1']);
    expect(res.stuck).toEqual([{ subtaskId: 'S2', target: s2.target, acIds: ['AC#3'], reasons: ['model budget exhausted: 1 of 1 calls used'] }]);
    expect(llm.requests).toHaveLength(1);
  });

  it('is stuck when a replan would pass the budget', async () => {
    const budget = createBudget({ maxCalls: 1 });
    const ingest = loadPricingIngest();
    const replan = createReplanner(makeStageContext(withBudget(createScriptedLlm([]), budget)), ingest);
    const res = await generateTests(makeStageContext(withBudget(createScriptedLlm([badFile]), budget)), ingest, plan(s1), { guard: importGuard, replan });
    expect(res.candidates).toEqual([]);
    expect(res.stuck[0]?.reasons).toEqual(['attempt 1: hallucinated import: shop.discounts does not exist', 'model budget exhausted: 1 of 1 calls used']);
  });
});
