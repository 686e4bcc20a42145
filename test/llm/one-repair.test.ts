import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTfError, type TfError } from '../../src/errors.js';
import { buildRepairText, completeWithOneRepair, type Turn } from '../../src/llm/one-repair.js';
import { ZERO_USAGE, type LlmRequest } from '../../src/llm/port.js';

const schema = z.object({ ok: z.boolean() });
const req: LlmRequest<{ ok: boolean }> = { purpose: 'plan', system: 's', sharedContext: [], prompt: 'Plan the tests\n\nfor   the change', schema, schemaName: 'plan' };
const meta = { provider: 'anthropic', model: 'claude-x' };

function turn(outcome: Turn<{ ok: boolean }>['outcome'], tokens: number, notes: string[] = [], raw = 'raw'): Turn<{ ok: boolean }> {
  return { outcome, usage: { ...ZERO_USAGE, calls: 1, inputTokens: tokens, outputTokens: 1, costUsd: tokens / 1000 }, notes, raw };
}

describe('completeWithOneRepair', () => {
  it('returns a valid first reply without a repair', async () => {
    let repairs = 0;
    const res = await completeWithOneRepair(req, meta, async () => turn({ ok: true, value: { ok: true } }, 10), async () => (repairs++, turn({ ok: true, value: { ok: false } }, 5)));
    expect(res).toEqual({ value: { ok: true }, usage: { ...ZERO_USAGE, calls: 1, inputTokens: 10, outputTokens: 1, costUsd: 0.01 }, model: 'claude-x' });
    expect(repairs).toBe(0);
  });

  it('repairs once, quoting the validation error, and sums usage and notes of both turns', async () => {
    const errors: string[] = [];
    const res = await completeWithOneRepair(
      req,
      meta,
      async () => turn({ ok: false, error: '- ok: expected boolean' }, 10, ['cache miss']),
      async (error) => (errors.push(error), turn({ ok: true, value: { ok: true } }, 20, ['cache miss', 'repaired'])),
    );
    expect(errors).toEqual(['- ok: expected boolean']);
    expect(res.value).toEqual({ ok: true });
    expect(res.usage).toMatchObject({ calls: 2, inputTokens: 30, outputTokens: 2 });
    expect(res.notes).toEqual(['cache miss', 'repaired']);
  });

  it('fails with LLM_INVALID_OUTPUT after a second invalid reply, keeping both errors and excerpts', async () => {
    const err = (await completeWithOneRepair(
      req,
      meta,
      async () => turn({ ok: false, error: 'first' }, 10),
      async () => turn({ ok: false, error: 'second' }, 10, [], 'x'.repeat(600)),
    ).catch((e: unknown) => e)) as TfError;
    expect(isTfError(err, 'LLM_INVALID_OUTPUT')).toBe(true);
    expect(err.message).toBe('anthropic output for plan failed validation twice');
    expect(err.details).toMatchObject({ provider: 'anthropic', model: 'claude-x', purpose: 'plan', schemaName: 'plan', firstError: 'first', repairError: 'second', promptExcerpt: 'Plan the tests for the change' });
    expect(err.details.replyExcerpt).toHaveLength(500);
    expect(err.details.usage).toMatchObject({ calls: 2, inputTokens: 20 });
  });
});

describe('buildRepairText', () => {
  it('fills the error and schema name into the repair prompt', () => {
    expect(buildRepairText('Your {{schemaName}} was invalid:\n{{error}}\n{{other}}', '- ok: required', 'plan')).toBe('Your plan was invalid:\n- ok: required\n{{other}}');
  });
});
