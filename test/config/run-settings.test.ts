import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { parseRepoConfig, type RepoConfig } from '../../src/config/repo-config.js';
import {
  DEFAULT_MAX_TESTS, DEFAULT_SETTINGS_ENV, MAX_TESTS_LIMIT, parseRunSettings, resolveRunSettings, type RunFlags, type RunSettings,
} from '../../src/config/run-settings.js';
import { upgradeStoredRequest } from '../../src/runs/legacy-request.js';
import type { RunRequest } from '../../src/runs/types.js';

function repoConfig(raw: unknown): RepoConfig {
  const parsed = parseRepoConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

describe('resolveRunSettings', () => {
  it('fills every setting from one set of defaults', () => {
    const settings: RunSettings = resolveRunSettings({ env: DEFAULT_SETTINGS_ENV });
    expect(settings).toEqual({
      evaluation: { stabilityRuns: 3, mutation: true, maxMutants: 60, perTestTimeoutMs: 20_000, failToPass: true, judge: true, seed: 1234 },
      maxTests: DEFAULT_MAX_TESTS,
      commitFlagged: false,
      qualityGate: { minAccepted: 0, failOnRejected: false, requireAllAcsVerified: false },
      model: { provider: 'anthropic', id: 'claude-sonnet-4-5' },
      timeouts: { modelRequestMs: 180_000, modelAttempts: 3, modelCallMs: 600_000, modelStallMs: 60_000 },
    });
    // A repository without a config file gets the same as no repo config at all.
    expect(resolveRunSettings({ repoConfig: repoConfig(null), env: DEFAULT_SETTINGS_ENV })).toEqual(settings);
    expect(parseRunSettings(settings)).toEqual(settings);
  });

  it('lays flags over the repo config over the defaults', () => {
    const rc = repoConfig({ stabilityRuns: 5, mutation: false, maxTests: 12, commitFlagged: true, languages: ['python'], testPaths: ['./tests/unit/'], qualityGate: { minAccepted: 2 } });
    const fromConfig = resolveRunSettings({ repoConfig: rc, env: DEFAULT_SETTINGS_ENV });
    expect(fromConfig).toMatchObject({
      evaluation: { stabilityRuns: 5, mutation: false }, maxTests: 12, commitFlagged: true,
      qualityGate: { minAccepted: 2, failOnRejected: false, requireAllAcsVerified: false }, languages: ['python'], testPaths: ['tests/unit'],
    });
    const flagged = resolveRunSettings({ repoConfig: rc, flags: { stabilityRuns: 2, mutation: true, maxTests: 40 }, env: DEFAULT_SETTINGS_ENV });
    expect(flagged).toMatchObject({ evaluation: { stabilityRuns: 2, mutation: true }, maxTests: 40, commitFlagged: true });
  });

  it('turns the judge off for a repository whose config says judge: false (and keeps it on by default)', () => {
    expect(resolveRunSettings({ repoConfig: repoConfig({ judge: false }), env: DEFAULT_SETTINGS_ENV }).evaluation.judge).toBe(false);
    expect(resolveRunSettings({ repoConfig: repoConfig({}), env: DEFAULT_SETTINGS_ENV }).evaluation.judge).toBe(true);
    expect(parseRepoConfig({ judge: 'no' }).ok).toBe(false);
  });

  it('honours the one cap of 100 tests from the repo config and from the flag', () => {
    expect(resolveRunSettings({ repoConfig: repoConfig({ maxTests: MAX_TESTS_LIMIT }), env: DEFAULT_SETTINGS_ENV }).maxTests).toBe(100);
    expect(resolveRunSettings({ flags: { maxTests: 100 }, env: DEFAULT_SETTINGS_ENV }).maxTests).toBe(100);
    expect(parseRepoConfig({ maxTests: 101 }).ok).toBe(false);
  });

  it('says on one line what is wrong with invalid input', () => {
    const attempt = (flags: RunFlags) => () => resolveRunSettings({ flags, env: DEFAULT_SETTINGS_ENV });
    expect(attempt({ maxTests: 101 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^invalid run settings: maxTests: .*100/) }));
    expect(attempt({ maxTests: 0, stabilityRuns: 11 })).toThrow(/^invalid run settings: (?=.*maxTests: Too small)(?=.*stabilityRuns: Too big)[^\n]+$/);
    expect(attempt({ llm: 'gemini' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(attempt({ maxTests: 1.5 })).toThrow(/^invalid run settings: maxTests: [^\n]+$/);
    expect(() => parseRunSettings({ maxTests: 10 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('chooses the model: env < repo config model id < --llm; --no-llm turns off the model and the judge', () => {
    const env = loadEnv({ TFACTORY_LLM: 'openai', TFACTORY_MODEL: 'qwen2.5-coder', OPENAI_BASE_URL: 'http://models:8000/v1', OPENAI_API_KEY: 'sk-never-stored' }, '/srv');
    const server = resolveRunSettings({ env });
    expect(server.model).toEqual({ provider: 'openai', id: 'qwen2.5-coder', baseUrl: 'http://models:8000/v1' });
    expect(server.timeouts.modelRequestMs).toBe(300_000);
    expect(JSON.stringify(server)).not.toContain('sk-never-stored');
    expect(resolveRunSettings({ repoConfig: repoConfig({ model: 'llama3' }), env }).model).toMatchObject({ provider: 'openai', id: 'llama3' });
    expect(resolveRunSettings({ repoConfig: repoConfig({ model: 'llama3' }), flags: { llm: 'anthropic:claude-x' }, env }).model).toEqual({ provider: 'anthropic', id: 'claude-x' });
    expect(resolveRunSettings({ flags: { llm: 'replay:t.json' }, env, cwd: '/work' }).model).toEqual({ provider: 'replay', transcript: '/work/t.json' });
    // A replay server keeps its transcript whatever model a repository names.
    const replay = loadEnv({ TFACTORY_LLM: 'replay:fixtures/t.json' }, '/srv');
    expect(resolveRunSettings({ repoConfig: repoConfig({ model: 'llama3' }), env: replay }).model).toEqual({ provider: 'replay', transcript: '/srv/fixtures/t.json' });
    const none = resolveRunSettings({ flags: { noLlm: true, llm: 'openai:x' }, env });
    expect(none.model).toEqual({ provider: 'none' });
    expect(none.evaluation.judge).toBe(false);
  });

  it('refuses test paths outside the repository', () => {
    expect(parseRepoConfig({ testPaths: ['../elsewhere'] }).ok).toBe(false);
    expect(parseRepoConfig({ testPaths: ['/etc'] }).ok).toBe(false);
    expect(parseRepoConfig({ testPaths: ['tests', 'web/test'] }).ok).toBe(true);
  });
});

describe('runs stored before settings existed', () => {
  it('get their settings from their old options, once, when read', () => {
    const old = {
      source: { kind: 'local', repoPath: '/r', baseRef: 'main', headRef: 'HEAD' },
      trigger: { kind: 'label' },
      options: { specId: 's', llm: 'anthropic:claude-old', evaluation: { stabilityRuns: 2, mutation: false }, maxTests: 100, commitFlagged: true },
      idempotencyKey: 'k',
    } as unknown as RunRequest;
    const upgraded = upgradeStoredRequest(old);
    expect(upgraded.options).toEqual({ specId: 's' });
    expect(upgraded.settings).toMatchObject({
      model: { provider: 'anthropic', id: 'claude-old' }, evaluation: { stabilityRuns: 2, mutation: false, judge: true },
      // Those versions planned at most 30 whatever the option said.
      maxTests: 30, commitFlagged: true,
    });
    const noModel = upgradeStoredRequest({ ...old, options: { dryRun: true, noLlm: true } } as unknown as RunRequest);
    expect(noModel.settings).toMatchObject({ model: { provider: 'none' }, evaluation: { judge: false }, maxTests: 30, commitFlagged: false });
    expect(upgradeStoredRequest(upgraded)).toBe(upgraded);
  });
});

describe('model transport settings', () => {
  it('defaults to 3 attempts within 10 minutes per call, and takes the environment\'s values', () => {
    const plain = resolveRunSettings({ env: loadEnv({}, '/') });
    expect(plain.timeouts).toEqual({ modelRequestMs: 180_000, modelAttempts: 3, modelCallMs: 600_000, modelStallMs: 60_000 });
    const env = loadEnv({ TFACTORY_LLM: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', TFACTORY_MODEL_TIMEOUT_MS: '30000', TFACTORY_MODEL_ATTEMPTS: '5', TFACTORY_MODEL_CALL_MS: '120000', TFACTORY_MODEL_STALL_MS: '15000' }, '/');
    expect(resolveRunSettings({ env }).timeouts).toEqual({ modelRequestMs: 30_000, modelAttempts: 5, modelCallMs: 120_000, modelStallMs: 15_000 });
  });

  it('chooses how an OpenAI-compatible server is asked for JSON: env < repo config < --json-mode (absent: the adapter\'s json_schema)', () => {
    const env = loadEnv({ TFACTORY_LLM: 'openai', TFACTORY_MODEL: 'qwen', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', TFACTORY_JSON_MODE: 'json_object' }, '/');
    expect(resolveRunSettings({ env }).model).toMatchObject({ provider: 'openai', jsonMode: 'json_object' });
    expect(resolveRunSettings({ env, repoConfig: repoConfig({ jsonMode: 'none' }) }).model).toMatchObject({ jsonMode: 'none' });
    expect(resolveRunSettings({ env, repoConfig: repoConfig({ jsonMode: 'none' }), flags: { jsonMode: 'json_schema' } }).model).toMatchObject({ jsonMode: 'json_schema' });
    expect(resolveRunSettings({ env: loadEnv({ TFACTORY_LLM: 'openai', TFACTORY_MODEL: 'qwen' }, '/') }).model).not.toHaveProperty('jsonMode');
    // An Anthropic run has no JSON mode (its output is a forced tool call).
    expect(resolveRunSettings({ env: DEFAULT_SETTINGS_ENV, flags: { jsonMode: 'none' } }).model).toEqual({ provider: 'anthropic', id: 'claude-sonnet-4-5' });
    expect(() => loadEnv({ TFACTORY_JSON_MODE: 'yaml' }, '/')).toThrow(/TFACTORY_JSON_MODE: must be json_schema, json_object or none/);
  });

  it('refuses a transport value out of range, naming the variable', () => {
    expect(() => loadEnv({ TFACTORY_MODEL_ATTEMPTS: '0' }, '/')).toThrow(/TFACTORY_MODEL_ATTEMPTS: must be at least 1/);
  });

  it('reads settings stored before the transport fields existed', () => {
    const stored = resolveRunSettings({ env: loadEnv({}, '/') });
    const { modelAttempts: _a, modelCallMs: _c, modelStallMs: _s, ...old } = stored.timeouts;
    expect(parseRunSettings({ ...stored, timeouts: old }).timeouts).toEqual(stored.timeouts);
  });
});
