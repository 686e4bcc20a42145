import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** A StageContext whose only usable port is the model; progress calls are recorded. */
export function makeStageContext(llm: LlmPort | undefined, settings: RunSettings = testSettings()): StageContext & { progressCalls: Array<[StageName, number, number]> } {
  const unused = (name: string) =>
    new Proxy({}, { get: (_t, prop) => (prop === 'then' ? undefined : () => Promise.reject(new Error(`${name}.${String(prop)} is not used by this stage`))) });
  const ports = { git: unused('git'), sandbox: unused('sandbox'), publisher: unused('publisher'), ...(llm ? { llm } : {}) } as unknown as Ports;
  const progressCalls: Array<[StageName, number, number]> = [];
  const run = { id: 'run-test', status: 'running', stages: [], request: { settings } } as unknown as Run;
  return { run, log: silentLogger(), signal: new AbortController().signal, ports, progress: (s, d, t) => void progressCalls.push([s, d, t]), progressCalls };
}
