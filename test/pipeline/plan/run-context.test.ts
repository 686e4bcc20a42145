import { describe, expect, it } from 'vitest';
import { generateTests, type GuardRunner } from '../../../src/pipeline/stages/generate/generate-tests.js';
import { renderChangedCodeBlock } from '../../../src/pipeline/stages/plan/changed-code.js';
import { planTests } from '../../../src/pipeline/stages/plan/plan-tests.js';
import { sharedRunContext } from '../../../src/pipeline/stages/plan/run-context.js';
import { createScriptedLlm } from '../../fakes/scripted-llm.js';
import { loadPricingIngest, makeStageContext, pricingBaseGit } from '../../llm/pricing-fixture.js';

const subtask = { target: 'shop/pricing.py::apply_discount', acIds: ['AC#1'], lane: 'unit', intent: 'apply_discount(100.0, 80) returns 50.0', rationale: 'pins the cap' };
const file = { content: 'from shop.pricing import apply_discount\n\n\ndef test_cap():\n    assert apply_discount(100.0, 80) == 50.0\n', summary: 'cap' };
const keep: GuardRunner = async () => ({ decision: 'keep', reasons: [], checks: { tests: [], fileFindings: [] } });

describe('the context planner and generator share', () => {
  it('is the same bytes in every plan and generate request of a run', async () => {
    const llm = createScriptedLlm([{ subtasks: [subtask, { ...subtask, target: 'shop/pricing.py::bulk_price', acIds: ['AC#3'], intent: 'bulk_price(2.0, 10) returns 19.0' }] }, file, file]);
    const ctx = makeStageContext(llm);
    const ingest = loadPricingIngest();
    const plan = await planTests(ctx, ingest);
    await generateTests(ctx, ingest, plan, { guard: keep, replan: async () => ({}) });
    expect(llm.requests.map((r) => r.purpose)).toEqual(['plan', 'generate', 'generate']);
    const prefixes = new Set(llm.requests.map((r) => JSON.stringify(r.sharedContext)));
    expect(prefixes.size).toBe(1);
    // The generator's requests share their whole prefix (system prompt included): a provider's cache serves the second.
    expect(llm.requests[1]?.system).toBe(llm.requests[2]?.system);
  });

  it('is rebuilt byte for byte from the same checkout (a resumed run, another process)', async () => {
    const a = await sharedRunContext(loadPricingIngest(), pricingBaseGit());
    const b = await sharedRunContext(loadPricingIngest(), pricingBaseGit());
    expect(b).toEqual(a);
    expect(a.join('').length).toBeGreaterThan(1000);
  });

  it('says when the base version cannot be read instead of failing the run', async () => {
    const blocks = await sharedRunContext(loadPricingIngest(), { readFileAt: async () => Promise.reject(new Error('no such commit')) });
    expect(blocks[3]).toContain('## shop/pricing.py: its base version could not be read');
  });

  it('shows a changed file past the budget as its signatures and changed lines', () => {
    const block = renderChangedCodeBlock(loadPricingIngest(), 100);
    expect(block).toContain('## shop/pricing.py (25 lines: over the context budget, its signatures and changed code only)');
    expect(block).toContain('def bulk_price(unit_price: float, quantity: int) -> float: ...');
    expect(block).toContain('Lines 9-25:');
  });
});
