import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpenAiLlm } from '../../src/llm/openai/openai-llm.js';
import type { LlmRequest } from '../../src/llm/port.js';
import { PACKAGE_ROOT } from '../../src/version.js';

/**
 * scripts/model-relay.mjs, the OpenAI-compatible server the recorded runs were answered through, run
 * for real on a free local port and asked by the real OpenAI adapter: the request lands in the folder,
 * the answer file written for it is the reply, the usage block is there, and the same request asked
 * again is answered from the relay's cache without a new file.
 */

const schema = z.object({ subtasks: z.array(z.object({ target: z.string() })) });
const shared = 'x'.repeat(8000);
const request = (prompt: string): LlmRequest<z.infer<typeof schema>> => ({ purpose: 'plan', system: 'You plan tests.', sharedContext: [shared], prompt, schema, schemaName: 'test_plan' });

async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(file)) throw new Error(`the relay wrote no ${file}`);
}

describe('the model relay (scripts/model-relay.mjs)', () => {
  let dir: string;
  let relay: ChildProcess;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tfactory-relay-'));
    relay = spawn(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'model-relay.mjs'), dir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    baseUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      relay.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      relay.on('exit', (code) => reject(new Error(`the relay exited (${code}): ${out}`)));
    });
  });
  afterAll(() => {
    relay?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands each request to whoever answers, replies in the chat-completions format, and answers a repeated request from its cache', async () => {
    const llm = createOpenAiLlm({ model: 'capable', baseUrl, repairPrompt: 'fix: {{error}}', retry: { maxRetries: 0 } });
    const first = llm.complete(request('plan the tests'));
    await waitFor(join(dir, '001.request.json'));
    const sent = JSON.parse(readFileSync(join(dir, '001.request.json'), 'utf8')) as { model: string; messages: Array<{ content: string }> };
    expect(sent.model).toBe('capable');
    expect(readFileSync(join(dir, '001.request.md'), 'utf8')).toContain('plan the tests');
    writeFileSync(join(dir, '001.answer.json'), '{"subtasks":[{"target":"shop/pricing.py::apply_discount"}]}\n');
    const res = await first;
    expect(res.value).toEqual({ subtasks: [{ target: 'shop/pricing.py::apply_discount' }] });
    expect(res.usage.calls).toBe(1);
    expect(res.usage.inputTokens).toBeGreaterThan(2000);
    expect(res.usage.outputTokens).toBeGreaterThan(0);

    // A second request sharing the long prefix: its prefix is reported as cache-read.
    const second = llm.complete(request('plan again'));
    await waitFor(join(dir, '002.request.json'));
    writeFileSync(join(dir, '002.answer.json'), '{"subtasks":[]}');
    expect((await second).usage.cacheReadTokens).toBeGreaterThan(1000);

    // The first request again: answered at once, no new request file.
    const again = await llm.complete(request('plan the tests'));
    expect(again.value).toEqual(res.value);
    expect(existsSync(join(dir, '003.request.json'))).toBe(false);
  });
});
