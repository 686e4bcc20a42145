import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitPort } from '../../src/git/types.js';
import type { LlmPort } from '../../src/llm/port.js';
import { silentLogger } from '../../src/logger.js';
import type { IngestResult, Ports, StageContext } from '../../src/pipeline/types.js';
import type { Run, StageName } from '../../src/runs/types.js';
import { PACKAGE_ROOT } from '../../src/version.js';
import type { RunSettings } from '../../src/config/run-settings.js';
import { testSettings } from '../fakes/settings.js';

export const PRICING_REPO = join(PACKAGE_ROOT, 'fixtures', 'llm', 'pricing-repo');

/** The IngestResult of fixtures/llm/pricing-ingest.json, pointing at fixtures/llm/pricing-repo. */
export function loadPricingIngest(workspaceDir: string = PRICING_REPO): IngestResult {
  const raw = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures', 'llm', 'pricing-ingest.json'), 'utf8')) as Omit<IngestResult, 'workspaceDir'> & { _comment?: string };
  const { _comment: _drop, ...rest } = raw;
  return { ...rest, workspaceDir };
}

/** The base side of the pricing fixture's diff (fixtures/llm/pricing-base): what a git port's readFileAt reads at the base commit. */
export const PRICING_BASE = join(PACKAGE_ROOT, 'fixtures', 'llm', 'pricing-base');

/** A git port that only reads files at the pricing fixture's base (`readFileAt`); anything else is not used by the stages under test. */
export function pricingBaseGit(): Pick<GitPort, 'readFileAt'> {
  return {
    async readFileAt(_dir, ref, path) {
      if (ref !== loadPricingIngest().diff.mergeBaseSha) return undefined;
      try {
        return readFileSync(join(PRICING_BASE, path), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** A StageContext whose only usable ports are the model and the base reader; progress calls are recorded. */
export function makeStageContext(llm: LlmPort | undefined, settings: RunSettings = testSettings()): StageContext & { progressCalls: Array<[StageName, number, number]> } {
  const unused = (name: string) =>
    new Proxy({}, { get: (_t, prop) => (prop === 'then' ? undefined : () => Promise.reject(new Error(`${name}.${String(prop)} is not used by this stage`))) });
  const ports = { git: pricingBaseGit(), sandbox: unused('sandbox'), publisher: unused('publisher'), ...(llm ? { llm } : {}) } as unknown as Ports;
  const progressCalls: Array<[StageName, number, number]> = [];
  const run = { id: 'run-test', status: 'running', stages: [], request: { settings } } as unknown as Run;
  return { run, log: silentLogger(), signal: new AbortController().signal, ports, progress: (s, d, t) => void progressCalls.push([s, d, t]), progressCalls };
}
