import { TfError } from '../errors.js';
import type { GitEnv } from './run-git.js';

/**
 * The environment that hands a token to one git process as an HTTP header (git ≥ 2.31 reads
 * configuration from GIT_CONFIG_COUNT/KEY/VALUE). The token is never in the URL, argv, or .git/config.
 */
export function buildAuthEnv(token: string): GitEnv {
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** Strings that must never show up in an error or a log line for this token. */
export function listSecretForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')];
}

/** A clone URL must not carry credentials: they would be written to .git/config. */
export function assertCleanUrl(cloneUrl: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(cloneUrl);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.username || parsed.password)) {
    throw new TfError('USAGE', 'the clone URL must not contain credentials; pass the token separately', {
      details: { host: parsed.host },
      hint: 'use the plain https URL of the repository and give the token to TFactory',
    });
  }
  return cloneUrl;
}
