import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZERO_USAGE, addUsage, type LlmUsage } from '../llm/port.js';
import { readTranscript, type Transcript } from '../llm/replay/transcript.js';
import { PACKAGE_ROOT } from '../version.js';

/**
 * `npm run bench:judge`: the model cost of recorded runs as the judge was batched. "before"
 * (fixtures/bench/judge-before/<run>-transcript.json): prompts/judge.md 1.x, one call per test
 * function, best of 3. "per file" (<run>-per-file...): judge 2.x, one call per test file. "after" (the
 * current fixtures): judge 3.x, the run's files in one call within a token budget, a second opinion
 * only on dissent. demo and github-e2e are answered by scripted models; python and typescript are
 * whole runs answered by a capable model (test/recorded/recorded-runs.test.ts). Prints calls per
 * stage, the judge's share of calls, tokens per accepted test and the cacheable and cache-read shares.
 */

export interface RunPair {
  name: string;
  /** Judge 1.x (per test, best of 3), when that recording exists. */
  before?: string;
  /** Judge 2.x (per test file), when that recording exists. */
  perFile?: string;
  after: string;
}

const BEFORE = join(PACKAGE_ROOT, 'fixtures', 'bench', 'judge-before');

export const JUDGE_BENCH_RUNS: RunPair[] = [
  { name: 'demo', before: join(BEFORE, 'demo-transcript.json'), perFile: join(BEFORE, 'demo-per-file-transcript.json'), after: join(PACKAGE_ROOT, 'fixtures', 'demo', 'transcript.json') },
  {
    name: 'github-e2e',
    before: join(BEFORE, 'github-e2e-transcript.json'),
    perFile: join(BEFORE, 'github-e2e-per-file-transcript.json'),
    after: join(PACKAGE_ROOT, 'fixtures', 'llm', 'github-e2e-transcript.json'),
  },
  { name: 'python (model)', perFile: join(BEFORE, 'recorded-python-per-file.json'), after: join(PACKAGE_ROOT, 'fixtures', 'llm', 'recorded-python.json') },
  { name: 'typescript (model)', after: join(PACKAGE_ROOT, 'fixtures', 'llm', 'recorded-typescript.json') },
];

export interface RunFigures {
  calls: Record<string, number>;
  totalCalls: number;
  /** Judge calls over all calls (0..1). */
  judgeShare: number;
  usage: Record<string, LlmUsage>;
  total: LlmUsage;
  /** Tests the judge found relevant: in these runs, the accepted tests (it is asked only about tests every other signal accepts). */
  accepted: number;
  /** Input + output tokens (cache included) per accepted test. */
  tokensPerAccepted: number;
  /** The judge's tokens per accepted test. */
  judgeTokensPerAccepted: number;
  /** Characters of the requests' cacheable prefix (system + shared blocks) over all request characters (0..1). */
  cacheableShare: number;
  /** Cache-read tokens over all input tokens (0..1); 0 when the recording has no provider cache figures. */
  cacheReadShare: number;
}

function tokens(u: LlmUsage): number {
  return u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens + u.outputTokens;
}

/** The tests a judge entry found relevant: `file::name` (judge 2.x answers per file, 1.x per test). */
function relevantTests(promptExcerpt: string, response: string): string[] {
  const value = JSON.parse(response) as { relevant?: boolean; tests?: Array<{ name: string; relevant: boolean }> };
  if (value.tests) {
    // judge 3.x names tests `file::name` (several files per call); 2.x named them within its one file.
    const file = /## Test file `([^`]+)`/.exec(promptExcerpt)?.[1] ?? '?';
    return value.tests.filter((t) => t.relevant).map((t) => (t.name.includes('::') ? t.name : `${file}::${t.name}`));
  }
  const id = /## Test `([^`]+)`/.exec(promptExcerpt)?.[1];
  return value.relevant && id ? [id] : [];
}

export function figuresOf(transcript: Transcript): RunFigures {
  const calls: Record<string, number> = {};
  const usage: Record<string, LlmUsage> = {};
  const accepted = new Set<string>();
  let cacheable = 0;
  let chars = 0;
  for (const e of transcript.entries) {
    calls[e.purpose] = (calls[e.purpose] ?? 0) + 1;
    usage[e.purpose] = addUsage(usage[e.purpose] ?? ZERO_USAGE, e.usage ?? ZERO_USAGE);
    if (e.purpose === 'judge') for (const t of relevantTests(e.promptExcerpt ?? '', e.response)) accepted.add(t);
    if (e.chars) {
      cacheable += e.chars.system + e.chars.shared;
      chars += e.chars.system + e.chars.shared + e.chars.prompt;
    }
  }
  const total = Object.values(usage).reduce(addUsage, ZERO_USAGE);
  const totalCalls = transcript.entries.length;
  const input = total.inputTokens + total.cacheReadTokens + total.cacheWriteTokens;
  return {
    calls, totalCalls, judgeShare: totalCalls ? (calls.judge ?? 0) / totalCalls : 0, usage, total,
    accepted: accepted.size,
    tokensPerAccepted: accepted.size ? tokens(total) / accepted.size : 0,
    judgeTokensPerAccepted: accepted.size ? tokens(usage.judge ?? ZERO_USAGE) / accepted.size : 0,
    cacheableShare: chars ? cacheable / chars : 0,
    cacheReadShare: input ? total.cacheReadTokens / input : 0,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;

export interface BenchRow {
  name: string;
  before?: RunFigures;
  perFile?: RunFigures;
  after: RunFigures;
}

export function formatJudgeBench(rows: BenchRow[]): string {
  const stages = ['plan', 'generate', 'judge'];
  const line = (label: string, f: RunFigures): string =>
    [
      label.padEnd(27),
      `${String(f.totalCalls).padStart(5)} (${stages.map((s) => f.calls[s] ?? 0).join('/')})`.padEnd(16),
      pct(f.judgeShare).padStart(11),
      String(tokens(f.usage.judge ?? ZERO_USAGE)).padStart(12),
      String(tokens(f.total)).padStart(12),
      String(f.accepted).padStart(9),
      f.tokensPerAccepted.toFixed(0).padStart(15),
      f.judgeTokensPerAccepted.toFixed(0).padStart(15),
      pct(f.cacheableShare).padStart(10),
      pct(f.cacheReadShare).padStart(11),
    ].join(' ');
  const out = [
    `${'run'.padEnd(27)} ${'calls (p/g/j)'.padEnd(16)} ${'judge share'.padStart(11)} ${'judge tokens'.padStart(12)} ${'all tokens'.padStart(12)} ${'accepted'.padStart(9)} ${'tokens/accepted'.padStart(15)} ${'judge/accepted'.padStart(15)} ${'cacheable'.padStart(10)} ${'cache read'.padStart(11)}`,
  ];
  for (const r of rows) {
    if (r.before) out.push(line(`${r.name} before`, r.before));
    if (r.perFile) out.push(line(`${r.name} per file`, r.perFile));
    out.push(line(`${r.name} after`, r.after));
  }
  out.push(
    '',
    'calls (p/g/j): plan / generate / judge calls. before: one judge call per test (best of 3); per file: one per test file; after:',
    "the run's test files in one call (split past a token budget), a second opinion only on dissent. demo and github-e2e are",
    'answered by scripted models that report chars/4 estimates and no cache figures; python and typescript (model) are whole runs',
    'answered by a capable model through the OpenAI-compatible relay (scripts/model-relay.mjs), whose usage counts the prefix a',
    'request shares with the one before it as cache-read, as a caching provider does. "cacheable" is the share of request',
    'characters in the shared prefix (system prompt + shared blocks) that a provider can cache.',
  );
  return out.join('\n');
}

export function runJudgeBench(runs: RunPair[] = JUDGE_BENCH_RUNS): BenchRow[] {
  return runs.map((r) => ({
    name: r.name,
    ...(r.before ? { before: figuresOf(readTranscript(r.before)) } : {}),
    ...(r.perFile ? { perFile: figuresOf(readTranscript(r.perFile)) } : {}),
    after: figuresOf(readTranscript(r.after)),
  }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${formatJudgeBench(runJudgeBench())}\n`);
  } catch (err) {
    process.stderr.write(`bench:judge failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
