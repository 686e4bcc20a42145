import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_TRANSCRIPT, formatBench, runLlmBench } from '../../src/bench/llm.js';
import type { LlmRequest, LlmUsage } from '../../src/llm/port.js';
import { recordTranscript } from '../../src/llm/replay/record-transcript.js';
import { createReplayLlm } from '../../src/llm/replay/replay-llm.js';
import type { Transcript } from '../../src/llm/replay/transcript.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';

/**
 * The scripted replies behind fixtures/llm/pricing-transcript.json. After a prompt or context
 * change, re-record with: UPDATE_LLM_TRANSCRIPT=1 npx vitest run test/llm/bench-transcript.test.ts
 */
const PLAN = {
  subtasks: [
    { target: 'shop/pricing.py::apply_discount', acIds: ['AC#1'], lane: 'unit', intent: 'apply_discount(100.0, 80) returns 50.0 and apply_discount(100.0, 50) returns 50.0, while apply_discount(100.0, 49) returns 51.0: discounts above 50 percent are capped at 50.', rationale: 'Fails if the cap is removed, or if min() becomes max() or the bound moves.' },
    { target: 'shop/pricing.py::apply_discount', acIds: ['AC#2'], lane: 'unit', intent: 'apply_discount(10.0, 101) and apply_discount(10.0, -1) raise DiscountError; apply_discount(10.0, 100) returns 5.0.', rationale: 'Fails if the range check is dropped or its bounds become exclusive.' },
    { target: 'shop/pricing.py::bulk_price', acIds: ['AC#3'], lane: 'unit', intent: 'bulk_price(2.0, 10) returns 19.0 (5 percent off 20.0) and bulk_price(2.0, 9) returns 18.0.', rationale: 'Pins the >= 10 boundary and the 5 percent rate of the new function.' },
  ],
};
const FILES = [
  { content: '# Verifies AC#1\nfrom shop.pricing import apply_discount\n\n\ndef test_discount_above_50_is_capped():\n    assert apply_discount(100.0, 80) == 50.0\n\n\ndef test_discount_of_exactly_50_applies():\n    assert apply_discount(100.0, 50) == 50.0\n\n\ndef test_discount_below_cap_is_not_capped():\n    assert apply_discount(100.0, 49) == 51.0\n', summary: 'Discounts above 50 percent are capped at 50.' },
  { content: '# Verifies AC#2\nimport pytest\n\nfrom shop.pricing import DiscountError, apply_discount\n\n\ndef test_discount_above_100_is_refused():\n    with pytest.raises(DiscountError):\n        apply_discount(10.0, 101)\n\n\ndef test_negative_discount_is_refused():\n    with pytest.raises(DiscountError):\n        apply_discount(10.0, -1)\n\n\ndef test_discount_of_100_is_accepted_and_capped():\n    assert apply_discount(10.0, 100) == 5.0\n', summary: 'Discounts outside 0..100 raise DiscountError.' },
  { content: '# Verifies AC#3\nfrom shop.pricing import bulk_price\n\n\ndef test_ten_units_get_five_percent_off():\n    assert bulk_price(2.0, 10) == 19.0\n\n\ndef test_nine_units_pay_full_price():\n    assert bulk_price(2.0, 9) == 18.0\n', summary: 'Ten units or more get 5 percent off the total.' },
];

/** Usage as a caching provider would report it: the first request of a prefix writes it, later ones read it. */
function simulatedUsage(): (req: LlmRequest<unknown>) => LlmUsage {
  const seen = new Set<string>();
  return (req) => {
    const prefix = req.system + req.sharedContext.join('');
    const prefixTokens = Math.ceil(prefix.length / 4);
    const first = !seen.has(prefix);
    seen.add(prefix);
    return { calls: 1, inputTokens: Math.ceil(req.prompt.length / 4), outputTokens: 300, cacheWriteTokens: first ? prefixTokens : 0, cacheReadTokens: first ? 0 : prefixTokens, costUsd: 0 };
  };
}

describe('bench transcript (fixtures/llm/pricing-transcript.json)', () => {
  it('matches what the scripted replies record today, and replays plan + generate without a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-bench-'));
    try {
      const target = process.env.UPDATE_LLM_TRANSCRIPT === '1' ? BENCH_TRANSCRIPT : join(dir, 'transcript.json');
      const scripted = createScriptedLlm([PLAN, ...FILES], { usage: simulatedUsage() });
      const recorded = await runLlmBench(recordTranscript(scripted, target, { now: () => new Date('2025-01-01T00:00:00Z') }));
      expect(recorded).toMatchObject({ candidates: 3, stuck: 0 });
      const fresh = JSON.parse(readFileSync(target, 'utf8')) as Transcript;
      const shipped = JSON.parse(readFileSync(BENCH_TRANSCRIPT, 'utf8')) as Transcript;
      expect(shipped.entries.map((e) => e.fingerprint), 'the shipped transcript is stale: re-record it').toEqual(fresh.entries.map((e) => e.fingerprint));

      const replayed = await runLlmBench(createReplayLlm(BENCH_TRANSCRIPT));
      expect(replayed.calls.map((c) => c.purpose)).toEqual(['plan', 'generate', 'generate', 'generate']);
      expect(replayed).toMatchObject({ candidates: 3, stuck: 0 });
      const text = formatBench(replayed);
      expect(text).toContain('LLM calls: 4 (candidates 3, stuck 0)');
      expect(text).toMatch(/input marked cacheable \(estimated, chars\/4\): \d+\.\d% of ~\d+ tokens/);
      expect(replayed.calls[2]?.usage.cacheReadTokens).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
