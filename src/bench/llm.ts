import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LlmPort, LlmRequest, LlmResponse, LlmUsage } from '../llm/port.js';
import { createReplayLlm } from '../llm/replay/replay-llm.js';
import { silentLogger } from '../logger.js';
import { generateTests, type GuardRunner } from '../pipeline/stages/generate/generate-tests.js';
import { createReplanner, planTests } from '../pipeline/stages/plan/plan-tests.js';
import type { IngestResult, Ports, StageContext } from '../pipeline/types.js';
import type { Run } from '../runs/types.js';
import { DEFAULT_SETTINGS_ENV, resolveRunSettings } from '../config/run-settings.js';
import { PACKAGE_ROOT } from '../version.js';

/** `npm run bench:llm`: plan + generate on fixtures/llm/pricing-repo with the replay adapter; prints calls, input tokens and the cacheable share. */

export const BENCH_FIXTURE = join(PACKAGE_ROOT, 'fixtures', 'llm');
export const BENCH_TRANSCRIPT = join(BENCH_FIXTURE, 'pricing-transcript.json');

export interface CallFigure {
  purpose: string;
  /** Characters of the cacheable prefix (system + shared blocks) and of the request-specific prompt. */
  cacheableChars: number;
  promptChars: number;
  usage: LlmUsage;
}

export function loadBenchIngest(): IngestResult {
  const raw = JSON.parse(readFileSync(join(BENCH_FIXTURE, 'pricing-ingest.json'), 'utf8')) as Omit<IngestResult, 'workspaceDir'> & { _comment?: string };
  const { _comment: _drop, ...rest } = raw;
  return { ...rest, workspaceDir: join(BENCH_FIXTURE, 'pricing-repo') };
}

/** Plan + generate with a guard that keeps everything; every model request is measured. */
export async function runLlmBench(llm: LlmPort): Promise<{ calls: CallFigure[]; candidates: number; stuck: number }> {
  const calls: CallFigure[] = [];
  const measured: LlmPort = {
    provider: llm.provider,
    model: llm.model,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const res = await llm.complete(req, signal);
      calls.push({ purpose: req.purpose, cacheableChars: req.system.length + req.sharedContext.reduce((n, s) => n + s.length, 0), promptChars: req.prompt.length, usage: res.usage });
      return res;
    },
  };
  const ctx = benchContext(measured);
  const ingest = loadBenchIngest();
  const plan = await planTests(ctx, ingest);
  const keepAll: GuardRunner = async () => ({ decision: 'keep', reasons: [], checks: { tests: [], fileFindings: [] } });
  const result = await generateTests(ctx, ingest, plan, { guard: keepAll, replan: createReplanner(ctx, ingest) });
  return { calls, candidates: result.candidates.length, stuck: result.stuck.length };
}

export function formatBench(figures: { calls: CallFigure[]; candidates: number; stuck: number }): string {
  const recorded = figures.calls.every((c) => c.usage.inputTokens + c.usage.cacheWriteTokens + c.usage.cacheReadTokens > 0);
  const lines = [`LLM calls: ${figures.calls.length} (candidates ${figures.candidates}, stuck ${figures.stuck})`, 'input tokens per call (estimated as chars/4 from the requests):'];
  let cacheable = 0;
  let total = 0;
  figures.calls.forEach((c, i) => {
    const cache = Math.ceil(c.cacheableChars / 4);
    const all = cache + Math.ceil(c.promptChars / 4);
    cacheable += cache;
    total += all;
    const real = recorded ? `  recorded: input ${c.usage.inputTokens}, cache write ${c.usage.cacheWriteTokens}, cache read ${c.usage.cacheReadTokens}, output ${c.usage.outputTokens}` : '';
    lines.push(`  #${i + 1} ${c.purpose.padEnd(8)} ~${all} tokens, ~${cache} cacheable${real}`);
  });
  lines.push(`input marked cacheable (estimated, chars/4): ${total ? ((100 * cacheable) / total).toFixed(1) : '0.0'}% of ~${total} tokens`);
  if (!recorded) lines.push('(the transcript holds no usage for some calls: token figures are estimates)');
  return lines.join('\n');
}

function benchContext(llm: LlmPort): StageContext {
  const unused = (name: string): unknown => new Proxy({}, { get: () => () => Promise.reject(new Error(`${name} is not used by the LLM bench`)) });
  // The base side of the diff (what the PR replaced) is read from fixtures/llm/pricing-base.
  const git = {
    readFileAt: async (_dir: string, _ref: string, path: string) => readFile(join(BENCH_FIXTURE, 'pricing-base', path), 'utf8').catch(() => undefined),
  };
  const ports = { git, sandbox: unused('sandbox'), publisher: unused('publisher'), llm } as unknown as Ports;
  const settings = resolveRunSettings({ env: DEFAULT_SETTINGS_ENV });
  return { run: { id: 'bench-llm', request: { settings } } as Run, log: silentLogger(), signal: new AbortController().signal, ports, progress: () => undefined };
}

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--transcript');
  const file = at >= 0 && argv[at + 1] ? argv[at + 1] as string : BENCH_TRANSCRIPT;
  const llm = createReplayLlm(file);
  process.stdout.write(`transcript: ${file} (recorded with model: ${llm.model})\n${formatBench(await runLlmBench(llm))}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench:llm failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
