import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { defaultRepoConfig, parseRepoConfig, renderRepoConfigJsonSchema } from '../../src/config/repo-config.js';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', 'schema', 'tfactory-config.schema.json');

describe('repo config', () => {
  it('has defaults for a repository without a config file', () => {
    expect(parseRepoConfig(null)).toEqual({ ok: true, config: defaultRepoConfig() });
    expect(defaultRepoConfig()).toMatchObject({ label: 'tfactory', stabilityRuns: 3, mutation: true, onPush: 'ignore', commitFlagged: false, allowedAssociations: [] });
  });

  it('reads a full config', () => {
    const result = parseRepoConfig({
      label: 'tests-please',
      languages: ['python'],
      testPaths: ['tests'],
      stabilityRuns: 5,
      mutation: false,
      qualityGate: { minAccepted: 1, failOnRejected: true },
      onPush: 'rerun',
      maxTests: 8,
      commitFlagged: true,
      model: 'claude-sonnet-4-5',
      allowedAssociations: ['OWNER', 'MEMBER'],
    });
    expect(result).toMatchObject({ ok: true, config: { qualityGate: { minAccepted: 1, failOnRejected: true, requireAllAcsVerified: false }, stabilityRuns: 5 } });
  });

  it('explains what is wrong, field by field', () => {
    const result = parseRepoConfig({ stabilityRuns: 0, onPush: 'always', typo: true, qualityGate: { minAccepted: -1 } });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('stabilityRuns:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('onPush:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('qualityGate.minAccepted:'))).toBe(true);
    expect(errors.some((e) => e.includes('typo'))).toBe(true);
    expect(parseRepoConfig('a string').ok).toBe(false);
  });

  it('publishes its JSON schema: the checked-in file matches the zod schema', () => {
    const rendered = renderRepoConfigJsonSchema();
    // Regenerate with: TFACTORY_UPDATE_SCHEMA=1 npx vitest run test/github/repo-config.test.ts
    if (process.env.TFACTORY_UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, rendered);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(rendered);
  });

  it('the published schema agrees with zod on valid and invalid files', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(validate({ label: 'x', stabilityRuns: 10, qualityGate: { failOnRejected: true } })).toBe(true);
    expect(validate({ stabilityRuns: 11 })).toBe(false);
    expect(validate({ unknownKey: 1 })).toBe(false);
  });
});
