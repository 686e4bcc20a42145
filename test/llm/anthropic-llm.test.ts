import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTfError, type TfError } from '../../src/errors.js';
import { createAnthropicLlm } from '../../src/llm/anthropic/anthropic-llm.js';
import type { LlmRequest } from '../../src/llm/port.js';
import { loadPrompt } from '../../src/llm/prompts.js';
import { useHttpMocks } from '../helpers/http-mock.js';

useHttpMocks();

const API = 'https://api.anthropic.com';
const schema = z.object({ answer: z.string(), confidence: z.number().min(0).max(1) });

function request(over: Partial<LlmRequest<z.infer<typeof schema>>> = {}): LlmRequest<z.infer<typeof schema>> {
  return {
    purpose: 'plan',
    system: 'You are a careful planner.',
    sharedContext: ['# Spec\n- AC#1: discounts are capped at 50%', '# Diff\n- src/pricing.py'],
    prompt: 'Plan the tests.',
    schema,
    schemaName: 'answer_out',
    ...over,
  };
}

function message(input: unknown, usage: Record<string, number> = {}) {
  return {
    id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'tool_use', stop_sequence: null,
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'answer_out', input }],
    usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage },
  };
}

function makeLlm(sleeps: number[], retry = { maxRetries: 3, maxTotalWaitMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 }) {
  return createAnthropicLlm({
    apiKey: 'sk-ant-test-key', model: 'claude-sonnet-4-5', repairPrompt: loadPrompt('repair').text, retry,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('anthropic adapter', () => {
  it('marks the shared prefix cacheable, forces the output tool with the schema, and prices cache tokens', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const headers: Array<Record<string, unknown>> = [];
    const scope = nock(API)
      .post('/v1/messages', (body: Record<string, unknown>) => {
        bodies.push(body);
        return true;
      })
      .reply(function reply() {
        headers.push(this.req.headers);
        return [200, message({ answer: 'ok', confidence: 0.5 }, { cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000 })];
      });
    const res = await makeLlm([]).complete(request());
    expect(scope.isDone()).toBe(true);
    expect(res.value).toEqual({ answer: 'ok', confidence: 0.5 });
    expect(headers[0]?.authorization ?? headers[0]?.['x-api-key']).toMatch(/sk-ant-test-key/);
    const body = bodies[0] as { system: unknown[]; messages: Array<{ content: unknown[] }>; tools: Array<{ name: string; input_schema: unknown }>; tool_choice: unknown };
    expect(body.system).toEqual([{ type: 'text', text: 'You are a careful planner.', cache_control: { type: 'ephemeral' } }]);
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: '# Spec\n- AC#1: discounts are capped at 50%' },
      { type: 'text', text: '# Diff\n- src/pricing.py', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Plan the tests.' },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'answer_out' });
    expect(body.tools[0]?.input_schema).toMatchObject({
      type: 'object',
      required: ['answer', 'confidence'],
      properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
    });
    // $3/MTok input, $15/MTok output, cache write 1.25x input, cache read 0.1x input.
    expect(res.usage).toMatchObject({ calls: 1, inputTokens: 100, outputTokens: 20, cacheWriteTokens: 1000, cacheReadTokens: 2000 });
    expect(res.usage.costUsd).toBeCloseTo(100 * 3e-6 + 20 * 15e-6 + 1000 * 3e-6 * 1.25 + 2000 * 3e-6 * 0.1, 10);
  });

  it('waits as long as retry-after says on a 429, then succeeds', async () => {
    nock(API)
      .post('/v1/messages').reply(429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, { 'retry-after': '7' })
      .post('/v1/messages').reply(200, message({ answer: 'after wait', confidence: 1 }));
    const sleeps: number[] = [];
    const res = await makeLlm(sleeps).complete(request());
    expect(sleeps).toEqual([7000]);
    expect(res.value.answer).toBe('after wait');
  });

  it('honours retry-after-ms over retry-after', async () => {
    nock(API)
      .post('/v1/messages').reply(503, { type: 'error', error: { type: 'api_error', message: 'down' } }, { 'retry-after-ms': '1500', 'retry-after': '9' })
      .post('/v1/messages').reply(200, message({ answer: 'x', confidence: 0 }));
    const sleeps: number[] = [];
    await makeLlm(sleeps).complete(request());
    expect(sleeps).toEqual([1500]);
  });

  it('gives a typed error once 529s exhaust the retries, with backoff between attempts', async () => {
    const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    nock(API).post('/v1/messages').times(4).reply(529, overloaded);
    const sleeps: number[] = [];
    const err = await makeLlm(sleeps).complete(request()).catch((e: unknown) => e);
    expect(isTfError(err, 'LLM_FAILED')).toBe(true);
    expect((err as TfError).details).toMatchObject({ provider: 'anthropic', attempts: 4, status: 529 });
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('stops retrying when the next wait would pass the bound on total wait', async () => {
    nock(API).post('/v1/messages').times(2).reply(429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } }, { 'retry-after': '30' });
    const sleeps: number[] = [];
    const err = await makeLlm(sleeps, { maxRetries: 5, maxTotalWaitMs: 45_000, baseDelayMs: 500, maxDelayMs: 8_000 }).complete(request()).catch((e: unknown) => e);
    expect(isTfError(err, 'LLM_FAILED')).toBe(true);
    expect(sleeps).toEqual([30_000]);
    expect((err as TfError).details.attempts).toBe(2);
  });

  it('does not retry a 400', async () => {
    nock(API).post('/v1/messages').reply(400, { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } });
    const sleeps: number[] = [];
    const err = await makeLlm(sleeps).complete(request()).catch((e: unknown) => e);
    expect((err as TfError).code).toBe('LLM_FAILED');
    expect(sleeps).toEqual([]);
  });

  it('asks for one repair quoting the validation error, and sums the usage of both turns', async () => {
    const bodies: Array<{ messages: Array<{ role: string; content: unknown }> }> = [];
    const capture = (body: { messages: Array<{ role: string; content: unknown }> }): boolean => {
      bodies.push(body);
      return true;
    };
    nock(API)
      .post('/v1/messages', capture).reply(200, message({ answer: 42 }, { cache_creation_input_tokens: 500 }))
      .post('/v1/messages', capture).reply(200, message({ answer: 'fixed', confidence: 0.9 }, { cache_read_input_tokens: 500 }));
    const res = await makeLlm([]).complete(request());
    expect(res.value).toEqual({ answer: 'fixed', confidence: 0.9 });
    const repair = bodies[1]?.messages ?? [];
    expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair[1]?.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'answer_out', input: { answer: 42 } }]);
    const toolResult = (repair[2]?.content as Array<{ type: string; tool_use_id: string; is_error: boolean; content: string }>)[0];
    expect(toolResult).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true });
    expect(toolResult?.content).toContain('- answer: Invalid input: expected string, received number');
    expect(toolResult?.content).toContain('- confidence:');
    expect(res.usage).toMatchObject({ calls: 2, inputTokens: 200, outputTokens: 40, cacheWriteTokens: 500, cacheReadTokens: 500 });
    expect(res.usage.costUsd).toBeCloseTo(200 * 3e-6 + 40 * 15e-6 + 500 * 3e-6 * 1.25 + 500 * 3e-6 * 0.1, 10);
  });

  it('fails with LLM_INVALID_OUTPUT when the repair is invalid too', async () => {
    nock(API).post('/v1/messages').times(2).reply(200, message({ answer: 1 }));
    const err = await makeLlm([]).complete(request()).catch((e: unknown) => e);
    expect(isTfError(err, 'LLM_INVALID_OUTPUT')).toBe(true);
    expect((err as TfError).details).toMatchObject({ purpose: 'plan', schemaName: 'answer_out' });
    expect(String((err as TfError).details.firstError)).toContain('answer');
  });

  it('reads JSON from text when the model answers without the tool', async () => {
    nock(API).post('/v1/messages').reply(200, {
      ...message(null), stop_reason: 'end_turn', content: [{ type: 'text', text: 'Here:\n```json\n{"answer":"t","confidence":0.2}\n```' }],
    });
    const res = await makeLlm([]).complete(request());
    expect(res.value).toEqual({ answer: 't', confidence: 0.2 });
  });

  it('notes an unknown model and counts its cost as 0', async () => {
    nock(API).post('/v1/messages').reply(200, message({ answer: 'a', confidence: 1 }));
    const llm = createAnthropicLlm({ apiKey: 'k', model: 'claude-future-9', repairPrompt: 'fix: {{error}}', sleep: async () => {} });
    const res = await llm.complete(request());
    expect(res.usage.costUsd).toBe(0);
    expect(res.notes).toEqual(['no price known for model claude-future-9: its cost is counted as 0']);
  });
});
