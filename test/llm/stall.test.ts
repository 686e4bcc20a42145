import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTfError } from '../../src/errors.js';
import { createAnthropicLlm } from '../../src/llm/anthropic/anthropic-llm.js';
import { createOpenAiLlm } from '../../src/llm/openai/openai-llm.js';
import type { LlmRequest } from '../../src/llm/port.js';

/**
 * The model transport against a real local HTTP server (no mock): a reply that stops halfway is
 * given up after the stall window and asked again; a connection closed mid-reply is asked again.
 * The assertions are outcomes (what was answered, how many requests the server saw), not timings.
 */

const schema = z.object({ subtasks: z.array(z.object({ target: z.string() })) });
const req: LlmRequest<z.infer<typeof schema>> = { purpose: 'plan', system: 's', sharedContext: ['shared'], prompt: 'p', schema, schemaName: 'test_plan' };

const OPENAI_REPLY = JSON.stringify({
  id: 'c1', object: 'chat.completion', created: 1, model: 'm',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"subtasks":[{"target":"a.py::f"}]}' } }],
  usage: { prompt_tokens: 10, completion_tokens: 5 },
});
const ANTHROPIC_REPLY = JSON.stringify({
  id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'tool_use', stop_sequence: null,
  content: [{ type: 'tool_use', id: 'tu_1', name: 'test_plan', input: { subtasks: [{ target: 'a.py::f' }] } }],
  usage: { input_tokens: 10, output_tokens: 5 },
});

type Behaviour = 'stall' | 'close' | 'answer';

/** A server that plays `script` (one behaviour per request; the last repeats) and counts the requests. */
async function serve(script: Behaviour[], reply: string): Promise<{ url: string; seen: () => number; server: Server }> {
  let n = 0;
  const server = createServer((request: IncomingMessage, res: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const behaviour = script[Math.min(n, script.length - 1)];
      n++;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (behaviour === 'answer') return void res.end(reply);
      // Half of the reply, then: nothing more (stall), or the socket closed (other side closed).
      res.write(reply.slice(0, 40));
      if (behaviour === 'close') setImmediate(() => res.socket?.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen: () => n, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

describe('model transport against a local HTTP server', () => {
  it('OpenAI-compatible: a reply that stalls halfway is given up and asked again, and the answer used', async () => {
    const srv = await serve(['stall', 'answer'], OPENAI_REPLY);
    servers.push(srv.server);
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${srv.url}/v1`, repairPrompt: 'x', stallMs: 300, timeoutMs: 120_000, sleep: async () => {} });
    const res = await llm.complete(req);
    expect(res.value).toEqual({ subtasks: [{ target: 'a.py::f' }] });
    expect(srv.seen()).toBe(2);
  });

  it('Anthropic: a reply that stalls halfway is given up and asked again', async () => {
    const srv = await serve(['stall', 'answer'], ANTHROPIC_REPLY);
    servers.push(srv.server);
    const llm = createAnthropicLlm({ apiKey: 'test-key', baseUrl: srv.url, repairPrompt: 'x', stallMs: 300, timeoutMs: 120_000, sleep: async () => {} });
    const res = await llm.complete(req);
    expect(res.value).toEqual({ subtasks: [{ target: 'a.py::f' }] });
    expect(srv.seen()).toBe(2);
  });

  it('a server that always stalls ends the call with LLM_FAILED after its attempts, naming the stall', async () => {
    const srv = await serve(['stall'], OPENAI_REPLY);
    servers.push(srv.server);
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${srv.url}/v1`, repairPrompt: 'x', stallMs: 200, timeoutMs: 120_000, retry: { maxRetries: 2 }, sleep: async () => {} });
    const err = await llm.complete(req).catch((e: unknown) => e);
    expect(isTfError(err, 'LLM_FAILED')).toBe(true);
    const details = (err as { details: { attempts: number; failures: Array<{ message: string }> } }).details;
    expect(details.attempts).toBe(3);
    expect(details.failures[0]?.message).toMatch(/stalled: no byte of its reply/);
    expect(srv.seen()).toBe(3);
  });

  it('a connection closed mid-reply is asked again', async () => {
    const srv = await serve(['close', 'answer'], OPENAI_REPLY);
    servers.push(srv.server);
    const llm = createOpenAiLlm({ model: 'm', baseUrl: `${srv.url}/v1`, repairPrompt: 'x', stallMs: 60_000, sleep: async () => {} });
    const res = await llm.complete(req);
    expect(res.value).toEqual({ subtasks: [{ target: 'a.py::f' }] });
    expect(srv.seen()).toBe(2);
  });
});
