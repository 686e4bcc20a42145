import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTfError } from '../../src/errors.js';
import { createOpenAiLlm } from '../../src/llm/openai/openai-llm.js';
import type { LlmRequest } from '../../src/llm/port.js';
import { useHttpMocks } from '../helpers/http-mock.js';

useHttpMocks();

const BASE = 'http://localhost:11434';
const schema = z.object({ subtasks: z.array(z.object({ target: z.string() })) });
const req: LlmRequest<z.infer<typeof schema>> = {
  purpose: 'plan', system: 'system text', sharedContext: ['shared one', 'shared two'], prompt: 'the prompt', schema, schemaName: 'test_plan',
};

function completion(content: string, usage = { prompt_tokens: 120, completion_tokens: 30 }) {
  return { id: 'c1', object: 'chat.completion', created: 1, model: 'qwen2.5-coder', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage };
}

describe('openai-compatible adapter', () => {
  it('sends system + shared + prompt with a json_schema response format to the base URL', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    nock(BASE)
      .post('/v1/chat/completions', (b: Record<string, unknown>) => {
        bodies.push(b);
        return true;
      })
      .reply(200, completion('{"subtasks":[{"target":"a.py::f"}]}'));
    const llm = createOpenAiLlm({ model: 'qwen2.5-coder', baseUrl: `${BASE}/v1`, repairPrompt: 'fix: {{error}}' });
    const res = await llm.complete(req);
    expect(res.value).toEqual({ subtasks: [{ target: 'a.py::f' }] });
    const body = bodies[0] as { model: string; messages: Array<{ role: string; content: string }>; response_format: { type: string; json_schema: { name: string; schema: { required: string[] } } } };
    expect(body.model).toBe('qwen2.5-coder');
    expect(body.messages[0]).toEqual({ role: 'system', content: 'system text' });
    // The schema is stated in the prompt too: a server that ignores response_format still knows the shape.
    expect(body.messages[1]?.role).toBe('user');
    expect(body.messages[1]?.content).toMatch(/^shared one\n\nshared two\n\nthe prompt\n\nReply with one JSON object only .*JSON Schema \(test_plan\):\n\{.*"required":\["subtasks"\]/s);
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.name).toBe('test_plan');
    expect(body.response_format.json_schema.schema.required).toEqual(['subtasks']);
    expect(res.usage).toMatchObject({ calls: 1, inputTokens: 120, outputTokens: 30, costUsd: 0 });
    expect(res.notes?.[0]).toContain('no price known for model qwen2.5-coder');
  });

  it('repairs invalid JSON once, quoting the parse error', async () => {
    const bodies: Array<{ messages: Array<{ role: string; content: string }> }> = [];
    const capture = (b: { messages: Array<{ role: string; content: string }> }): boolean => {
      bodies.push(b);
      return true;
    };
    nock(BASE)
      .post('/v1/chat/completions', capture).reply(200, completion('{"subtasks": [ {"target": '))
      .post('/v1/chat/completions', capture).reply(200, completion('{"subtasks":[]}'));
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${BASE}/v1`, repairPrompt: 'Invalid output:\n{{error}}\nSchema {{schemaName}}: {{schema}}', jsonMode: 'json_object' });
    const res = await llm.complete(req);
    expect(res.value).toEqual({ subtasks: [] });
    expect(res.usage.calls).toBe(2);
    const msgs = bodies[1]?.messages ?? [];
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(msgs[2]?.content).toBe('{"subtasks": [ {"target": ');
    expect(msgs[3]?.content).toMatch(/^Invalid output:\nthe reply is not valid JSON: /);
    // The repair message states the schema too.
    expect(msgs[3]?.content).toMatch(/\nSchema test_plan: \{.*"required":\["subtasks"\]/);
    expect(msgs[1]?.content).toContain('"required":["subtasks"]');
  });

  it('retries a 503 with retry-after and gives LLM_FAILED when retries run out', async () => {
    nock(BASE).post('/v1/chat/completions').times(3).reply(503, { error: { message: 'loading model' } }, { 'retry-after': '2' });
    const sleeps: number[] = [];
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${BASE}/v1`, repairPrompt: 'x', retry: { maxRetries: 2 }, sleep: async (ms) => void sleeps.push(ms) });
    const err = await llm.complete(req).catch((e: unknown) => e);
    expect(isTfError(err, 'LLM_FAILED')).toBe(true);
    expect(sleeps).toEqual([2000, 2000]);
  });
});

describe('openai-compatible adapter: transport', () => {
  it('retries a reply the server cut off mid-body', async () => {
    const { Readable } = await import('node:stream');
    nock(BASE).post('/v1/chat/completions').reply(200, () => {
      let sent = false;
      return new Readable({
        read() {
          if (sent) return this.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
          sent = true;
          this.push('{"id":"c1","object":"chat.completion","choices":[{"index":0,"mess');
        },
      });
    }, { 'content-type': 'application/json' });
    nock(BASE).post('/v1/chat/completions').reply(200, completion('{"subtasks":[]}'));
    const sleeps: number[] = [];
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${BASE}/v1`, repairPrompt: 'x', sleep: async (ms) => void sleeps.push(ms) });
    const res = await llm.complete(req);
    expect(res.value).toEqual({ subtasks: [] });
    expect(sleeps).toHaveLength(1);
  });
});

describe('openai-compatible adapter: a stalled server', () => {
  it('gives up each attempt at the request timeout and the call after its attempts, in bounded time', async () => {
    nock(BASE).post('/v1/chat/completions').times(2).delay(5_000).reply(200, completion('{"subtasks":[]}'));
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${BASE}/v1`, repairPrompt: 'x', timeoutMs: 200, retry: { maxRetries: 1 }, sleep: async () => {} });
    // Outcome, not timing: a reply delayed past the timeout fails both attempts (it would succeed if the timeout were not honoured).
    const err = await llm.complete(req).catch((e: unknown) => e);
    expect(isTfError(err, 'LLM_FAILED')).toBe(true);
    expect((err as { details: { attempts: number } }).details.attempts).toBe(2);
    nock.abortPendingRequests();
  });
});
