import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { resolveRunSettings } from '../../src/config/run-settings.js';
import { sharedRunFlags } from '../../src/cli/run-options.js';
import { llmConfigFor } from '../../src/wiring/create-services.js';

describe('the model of a run, from its settings', () => {
  it('carries the transport (timeout, attempts, call bound, stall window) and the JSON mode to the adapter', () => {
    const env = loadEnv({ TFACTORY_LLM: 'openai', TFACTORY_MODEL: 'qwen', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', TFACTORY_MODEL_STALL_MS: '20000' }, '/');
    const settings = resolveRunSettings({ env, flags: sharedRunFlags({ 'json-mode': 'json_object' }) });
    expect(llmConfigFor(settings)).toEqual({
      provider: 'openai', model: 'qwen', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 300_000, stallMs: 20_000,
      retry: { maxRetries: 2, maxCallMs: 600_000 }, jsonMode: 'json_object',
    });
  });

  it('refuses an unknown --json-mode as a usage error', () => {
    expect(() => sharedRunFlags({ 'json-mode': 'xml' })).toThrow(expect.objectContaining({ code: 'USAGE', message: "--json-mode must be json_schema, json_object or none, not 'xml'" }));
  });
});
