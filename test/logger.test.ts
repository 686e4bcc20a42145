import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS } from '../src/logger.js';

describe('log redaction', () => {
  it('never writes tokens, keys or secrets, at the top level or one level down', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({
      token: 'ghs_top', apiKey: 'sk-ant-top', privateKey: '-----BEGIN KEY-----', webhookSecret: 'whsec',
      github: { privateKey: '-----BEGIN NESTED-----', webhookSecret: 'nested-whsec' },
      anthropic: { apiKey: 'sk-ant-nested' }, auth: { token: 'ghs_nested' }, headers: { authorization: 'Bearer x' },
      env: { GITHUB_TOKEN: 'ghp_env' }, runId: 'r1',
    }, 'configured');
    const out = lines.join('');
    for (const secret of ['ghs_top', 'sk-ant-top', 'BEGIN KEY', 'whsec', 'BEGIN NESTED', 'nested-whsec', 'sk-ant-nested', 'ghs_nested', 'Bearer x', 'ghp_env']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"runId":"r1"');
  });
});
