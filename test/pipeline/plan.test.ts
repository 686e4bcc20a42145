import { describe, expect, it } from 'vitest';
import { createBudget, withBudget } from '../../src/llm/budget.js';
import { createReplanner, planTests } from '../../src/pipeline/stages/plan/plan-tests.js';
import { loadPrompt } from '../../src/llm/prompts.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';
import { loadPricingIngest, makeStageContext } from '../llm/pricing-fixture.js';

const good = {
  target: 'shop/pricing.py::apply_discount', acIds: ['AC#1'], lane: 'unit',
  intent: 'apply_discount(100.0, 80) returns 50.0: the discount is capped at 50 percent', rationale: 'fails if the cap is removed or moved',
};
const bulk = {
  target: 'shop/pricing.py::bulk_price', acIds: ['AC#3'],
  intent: 'bulk_price(2.0, 10) returns 19.0 and bulk_price(2.0, 9) returns 18.0', rationale: 'pins the >= 10 boundary',
};

describe('planTests', () => {
  it('builds subtasks with ids, language and framework from the profile, and the shared context', async () => {
    const llm = createScriptedLlm([{ subtasks: [good, bulk] }]);
    const ctx = makeStageContext(llm);
    const plan = await planTests(ctx, loadPricingIngest());
    expect(plan.subtasks).toEqual([
      { id: 'S1', acIds: ['AC#1'], lane: 'unit', language: 'python', framework: 'pytest', target: 'shop/pricing.py::apply_discount', intent: good.intent, rationale: good.rationale },
      { id: 'S2', acIds: ['AC#3'], lane: 'unit', language: 'python', framework: 'pytest', target: 'shop/pricing.py::bulk_price', intent: bulk.intent, rationale: bulk.rationale },
    ]);
    expect(plan.promptVersion).toBe(loadPrompt('planner').version);
    expect(llm.requests).toHaveLength(1);
    const req = llm.requests[0];
    expect(req?.purpose).toBe('plan');
    expect(req?.system).toBe(loadPrompt('planner').text);
    const [spec, changes, head, base, imported, conventions] = req?.sharedContext ?? [];
    expect(spec).toContain('- AC#2: A discount outside 0..100 is refused with DiscountError.');
    expect(changes).toContain('- shop/pricing.py::bulk_price (function, added, lines 20-25): def bulk_price(unit_price: float, quantity: int) -> float');
    // The changed file at head, whole; what the PR replaced (its base version, whole); the API it imports.
    expect(head).toContain('## shop/pricing.py (whole file)');
    expect(head).toContain('    if quantity >= 10:');
    expect(base).toContain('## shop/pricing.py at base (whole file)');
    expect(base).toContain('    return round_money(price * (100 - pct) / 100)');
    expect(imported).toContain('def round_money(amount: float) -> float: ...');
    // The framework with its version, how a test imports the changed file, the nearest existing tests and their imports.
    expect(conventions).toContain('- framework: Python 3.11, pytest 7.2 with pytest-mock, pytest-timeout');
    expect(conventions).toContain('- a test of shop/pricing.py imports it so: ');
    expect(conventions).toContain('  - tests/test_pricing.py: test_no_discount_keeps_price');
    expect(conventions).toContain('- the opening lines of tests/test_pricing.py (imports, fixtures):');
    expect(req?.prompt).toContain('- shop/pricing.py: python with pytest');
    expect(ctx.progressCalls).toEqual([['plan', 1, 1]]);
  });

  it('refuses a plan targeting a file outside the diff or an unknown AC, and asks again quoting why', async () => {
    const outside = { ...good, target: 'shop/money.py::round_money' };
    const unknownAc = { ...bulk, acIds: ['AC#9'] };
    const llm = createScriptedLlm([{ subtasks: [good, outside, unknownAc] }, { subtasks: [good, bulk] }]);
    const plan = await planTests(makeStageContext(llm), loadPricingIngest());
    expect(llm.requests).toHaveLength(2);
    const second = llm.requests[1]?.prompt ?? '';
    expect(second).toContain('## Your previous answer was refused');
    expect(second).toContain('> target file shop/money.py is not one of the diff\'s changed files (shop/pricing.py)');
    expect(second).toContain('> cites AC ids that do not exist in the spec: AC#9 (the spec has AC#1, AC#2, AC#3)');
    expect(llm.requests[0]?.prompt).not.toContain('refused');
    expect(plan.subtasks.map((s) => s.target)).toEqual(['shop/pricing.py::apply_discount', 'shop/pricing.py::bulk_price']);
    expect(plan.notes).toBeUndefined();
  });

  it('drops what is still invalid after the last attempt, with a note', async () => {
    const ghost = { ...good, target: 'shop/pricing.py::apply_coupon' };
    const llm = createScriptedLlm([{ subtasks: [good, ghost] }, { subtasks: [good, ghost] }]);
    const plan = await planTests(makeStageContext(llm), loadPricingIngest(), { maxAttempts: 2 });
    expect(llm.requests).toHaveLength(2);
    expect(plan.subtasks.map((s) => s.target)).toEqual(['shop/pricing.py::apply_discount']);
    expect(plan.notes).toEqual(['planned subtask for shop/pricing.py::apply_coupon dropped: symbol apply_coupon is not defined in shop/pricing.py']);
  });

  it('accepts a symbol defined in the changed file even if it is not a changed symbol', async () => {
    const llm = createScriptedLlm([{ subtasks: [{ ...good, target: 'shop/pricing.py::DiscountError', acIds: ['AC#2'] }] }]);
    const plan = await planTests(makeStageContext(llm), loadPricingIngest());
    expect(plan.subtasks.map((s) => s.target)).toEqual(['shop/pricing.py::DiscountError']);
  });

  it('replans one rejected subtask: the replacement keeps its id and the reason is quoted', async () => {
    const llm = createScriptedLlm([{ subtasks: [{ ...good, intent: 'apply_discount(10.0, 101) raises DiscountError', acIds: ['AC#2'], replaces: 'S1' }] }]);
    const ctx = makeStageContext(llm);
    const replan = createReplanner(ctx, loadPricingIngest());
    const first = (await planTests(makeStageContext(createScriptedLlm([{ subtasks: [good] }])), loadPricingIngest())).subtasks[0];
    if (!first) throw new Error('no subtask');
    const res = await replan(first, 'hallucinated import: shop.discounts');
    expect(res.subtask).toMatchObject({ id: 'S1', acIds: ['AC#2'], intent: 'apply_discount(10.0, 101) raises DiscountError' });
    expect(llm.requests[0]?.prompt).toContain('- rejected because: hallucinated import: shop.discounts');
  });

  it('throws LLM_BUDGET_EXCEEDED when the budget is already spent', async () => {
    const budget = createBudget({ maxCalls: 0 });
    await expect(planTests(makeStageContext(withBudget(createScriptedLlm([]), budget)), loadPricingIngest())).rejects.toMatchObject({ code: 'LLM_BUDGET_EXCEEDED' });
  });

  it('needs a model', async () => {
    await expect(planTests(makeStageContext(undefined), loadPricingIngest())).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
