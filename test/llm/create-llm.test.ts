import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBudget, withBudget } from '../../src/llm/budget.js';
import { createLlm } from '../../src/llm/create-llm.js';
import { parseLlmOption } from '../../src/llm/llm-option.js';
import { priceUsage } from '../../src/llm/pricing.js';
import { loadPrompt, parsePrompt } from '../../src/llm/prompts.js';
import { z } from 'zod';
import { createScriptedLlm } from '../fakes/scripted-llm.js';

describe('parseLlmOption', () => {
  it('reads the CLI forms', () => {
    expect(parseLlmOption('anthropic')).toEqual({ provider: 'anthropic' });
    expect(parseLlmOption('anthropic:claude-haiku-4-5')).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(parseLlmOption('openai:qwen2.5-coder:7b')).toEqual({ provider: 'openai', model: 'qwen2.5-coder:7b' });
    expect(parseLlmOption('replay:fixtures/llm/t.json')).toEqual({ provider: 'replay', transcript: 'fixtures/llm/t.json' });
    expect(() => parseLlmOption('replay')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parseLlmOption('gemini')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('createLlm', () => {
  it('needs the API key from the named env variable, and never puts it in the error', async () => {
    await expect(createLlm({ provider: 'anthropic' }, {})).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'no Anthropic API key in ANTHROPIC_API_KEY' });
    const llm = await createLlm({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKeyEnv: 'MY_KEY' }, { MY_KEY: 'sk-secret-123', TFACTORY_MODEL: 'ignored-here' });
    expect(llm.provider).toBe('anthropic');
    expect(llm.model).toBe('claude-haiku-4-5');
    expect(JSON.stringify(llm)).not.toContain('sk-secret-123');
  });

  it('builds openai (model required) and replay ports', async () => {
    await expect(createLlm({ provider: 'openai' }, {})).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect((await createLlm({ provider: 'openai', model: 'llama3' }, {})).model).toBe('llama3');
    const dir = mkdtempSync(join(tmpdir(), 'tf-create-'));
    try {
      const file = join(dir, 't.json');
      writeFileSync(file, JSON.stringify({ version: 1, model: 'claude-sonnet-4-5', entries: [] }));
      const replay = await createLlm(parseLlmOption(`replay:${file}`), {});
      expect([replay.provider, replay.model]).toEqual(['replay', 'claude-sonnet-4-5']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prompts', () => {
  it('loads every shipped prompt with a semver version', () => {
    for (const name of ['planner', 'generator', 'judge', 'repair']) {
      const p = loadPrompt(name);
      expect(p.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(p.text.length).toBeGreaterThan(200);
      expect(p.text.startsWith('version:')).toBe(false);
    }
    expect(loadPrompt('repair').text).toContain('{{error}}');
  });

  it('reads front matter and refuses a file without a version', () => {
    expect(parsePrompt('x', '---\nversion: 2.1.0\nowner: qa\n---\nBody\n')).toEqual({ name: 'x', version: '2.1.0', text: 'Body\n' });
    expect(() => parsePrompt('x', 'Body only')).toThrow(/version/);
    const dir = mkdtempSync(join(tmpdir(), 'tf-prompts-'));
    try {
      mkdirSync(join(dir, 'prompts'));
      writeFileSync(join(dir, 'prompts', 'judge.md'), 'version: 0.3.1\r\n\r\nBe strict.\r\n');
      expect(loadPrompt('judge', dir)).toEqual({ name: 'judge', version: '0.3.1', text: 'Be strict.\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pricing', () => {
  it('prices by model family, dated ids included', () => {
    const tokens = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheReadTokens: 1_000_000 };
    expect(priceUsage('claude-sonnet-4-5-20250929', tokens).usage.costUsd).toBeCloseTo(3 + 15 + 3.75 + 0.3, 6);
    expect(priceUsage('claude-haiku-4-5', tokens).usage.costUsd).toBeCloseTo(1 + 5 + 1.25 + 0.1, 6);
    expect(priceUsage('claude-opus-4-1', tokens).usage.costUsd).toBeCloseTo(15 + 75 + 18.75 + 1.5, 6);
  });
});

describe('budget', () => {
  it('refuses calls once the call budget is spent', async () => {
    const schema = z.object({ n: z.number() });
    const budget = createBudget({ maxCalls: 2 });
    const llm = withBudget(createScriptedLlm(() => ({ n: 1 })), budget);
    expect(withBudget(llm, budget)).toBe(llm);
    const req = { purpose: 'plan' as const, system: 's', sharedContext: [], prompt: 'p', schema, schemaName: 'n' };
    await llm.complete(req);
    await llm.complete(req);
    await expect(llm.complete(req)).rejects.toMatchObject({ code: 'LLM_BUDGET_EXCEEDED' });
    expect(budget.spent().calls).toBe(2);
  });
});
