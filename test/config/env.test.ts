import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadEnv, requireGitHubAppEnv, requireLlmEnv } from '../../src/config/env.js';
import { isTfError, type TfError } from '../../src/errors.js';

function failure(fn: () => unknown): TfError {
  try {
    fn();
  } catch (err) {
    if (isTfError(err, 'CONFIG_INVALID')) return err;
    throw err;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('loadEnv', () => {
  it('gives defaults for an empty environment', () => {
    const env = loadEnv({}, '/srv/app');
    expect(env.dbPath).toBe('/srv/app/.tfactory/tfactory.db');
    expect(env.concurrency).toBe(availableParallelism());
    expect(env.logLevel).toBe('info');
    expect(env.llm).toEqual({ provider: 'anthropic' });
    expect(env.anthropic).toEqual({});
    expect(env.github).toEqual({});
  });

  it('reads every variable', () => {
    const env = loadEnv(
      {
        TFACTORY_DB: 'data/runs.db',
        TFACTORY_CONCURRENCY: '3',
        TFACTORY_WORKSPACE_ROOT: '/var/tf',
        LOG_LEVEL: 'DEBUG',
        TFACTORY_LLM: 'replay:fixtures/t.json',
        TFACTORY_MODEL: 'claude-x',
        TFACTORY_MODEL_TIMEOUT_MS: '60000',
        TFACTORY_MODEL_ATTEMPTS: '2',
        TFACTORY_MODEL_CALL_MS: '300000',
        ANTHROPIC_API_KEY: 'sk-ant',
        OPENAI_BASE_URL: 'http://localhost:11434/v1',
        OPENAI_API_KEY: 'sk-oai',
        APP_ID: '123',
        PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----',
        WEBHOOK_SECRET: 'shh',
      },
      '/srv/app',
    );
    expect(env).toEqual({
      dbPath: '/srv/app/data/runs.db',
      concurrency: 3,
      workspaceRoot: '/var/tf',
      logLevel: 'debug',
      llm: { provider: 'replay', file: '/srv/app/fixtures/t.json', model: 'claude-x' },
      modelTransport: { requestMs: 60_000, attempts: 2, callMs: 300_000 },
      anthropic: { apiKey: 'sk-ant' },
      openai: { baseUrl: 'http://localhost:11434/v1', apiKey: 'sk-oai' },
      github: { appId: 123, privateKey: '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----', webhookSecret: 'shh' },
    });
  });

  it('keeps :memory: as is and treats empty strings as unset', () => {
    const env = loadEnv({ TFACTORY_DB: ':memory:', TFACTORY_CONCURRENCY: '', TFACTORY_LLM: '', LOG_LEVEL: '' }, '/x');
    expect(env.dbPath).toBe(':memory:');
    expect(env.logLevel).toBe('info');
    expect(env.llm.provider).toBe('anthropic');
  });

  it('names each bad variable and what it expects, without printing values', () => {
    const err = failure(() =>
      loadEnv({ TFACTORY_CONCURRENCY: 'lots', TFACTORY_LLM: 'gemini', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'not a url', APP_ID: 'abc' }),
    );
    const text = err.message;
    expect(text).toContain('TFACTORY_CONCURRENCY: must be a whole number');
    expect(text).toContain('TFACTORY_LLM: must be "anthropic", "openai" or "replay:<transcript file>"');
    expect(text).toContain('LOG_LEVEL: must be one of');
    expect(text).toContain('OPENAI_BASE_URL: must be a URL');
    expect(text).toContain('APP_ID: must be the numeric GitHub App id');
    expect(text).not.toContain('gemini');
    expect(text).not.toContain('lots');
    expect(failure(() => loadEnv({ TFACTORY_CONCURRENCY: '0' })).message).toContain('TFACTORY_CONCURRENCY: must be at least 1');
  });

  it('rejects a private key that is not PEM, or two key sources, without echoing the key', () => {
    const bad = failure(() => loadEnv({ PRIVATE_KEY: 'secret-material' }));
    expect(bad.message).toContain('PRIVATE_KEY: must be a PEM private key');
    expect(bad.message).not.toContain('secret-material');
    expect(failure(() => loadEnv({ PRIVATE_KEY: '-----BEGIN KEY-----', PRIVATE_KEY_PATH: 'k.pem' })).message).toContain('set only one of them');
  });
});

describe('requirements per mode', () => {
  it('requires the Anthropic key only for the anthropic provider', () => {
    expect(failure(() => requireLlmEnv(loadEnv({}))).message).toContain('ANTHROPIC_API_KEY: required');
    expect(() => requireLlmEnv(loadEnv({ ANTHROPIC_API_KEY: 'k' }))).not.toThrow();
    expect(() => requireLlmEnv(loadEnv({ TFACTORY_LLM: 'replay:x.json' }))).not.toThrow();
    expect(failure(() => requireLlmEnv(loadEnv({ TFACTORY_LLM: 'openai' }))).message).toContain('OPENAI_BASE_URL or OPENAI_API_KEY');
  });

  it('requires the GitHub App settings for the server', () => {
    const err = failure(() => requireGitHubAppEnv(loadEnv({ APP_ID: '5' })));
    expect(err.message).toContain('PRIVATE_KEY or PRIVATE_KEY_PATH: required');
    expect(err.message).toContain('WEBHOOK_SECRET: required');
    expect(err.message).not.toContain('APP_ID');
    expect(requireGitHubAppEnv(loadEnv({ APP_ID: '5', PRIVATE_KEY_PATH: '/k.pem', WEBHOOK_SECRET: 'w' }, '/'))).toEqual({ appId: 5, webhookSecret: 'w', privateKeyPath: '/k.pem' });
  });

  it('reads the scale-out settings; a wrong URL is named, never printed', () => {
    const env = loadEnv({ DATABASE_URL: 'postgres://u:pw@db:5432/tf', REDIS_URL: 'redis://cache:6379', TFACTORY_QUEUE: 'tf-prod', TFACTORY_LEASE_MS: '5000' }, '/srv');
    expect(env).toMatchObject({ databaseUrl: 'postgres://u:pw@db:5432/tf', redisUrl: 'redis://cache:6379', queueName: 'tf-prod', leaseMs: 5000 });
    expect(loadEnv({}, '/srv')).not.toHaveProperty('databaseUrl');
    const err = failure(() => loadEnv({ DATABASE_URL: 'mysql://u:s3cret@db/tf', REDIS_URL: 'http://x', TFACTORY_LEASE_MS: '10' }));
    expect(err.message).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(err.message).toContain('REDIS_URL: must be a Redis URL');
    expect(err.message).toContain('TFACTORY_LEASE_MS: must be at least 200');
    expect(err.message).not.toContain('s3cret');
  });
});
