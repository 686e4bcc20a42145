import { REPORT_SCHEMA_VERSION, type Report, type ReportAc, type ReportTest, type TestSignals, type Verdict } from '../../src/report/types.js';
import type { AcceptanceCriterion } from '../../src/criteria/types.js';
import { triage } from '../../src/pipeline/stages/triage/triage.js';
import { ZERO_USAGE } from '../../src/llm/port.js';
import { testSettings } from './settings.js';

/**
 * The one place tests build reports and their parts:
 * - `signals` / `reportTest`: one test's evidence and verdict (a strong, accepted test unless overridden);
 * - `sampleReport`: a complete report built by the real triage with a fixed clock (rendering, MCP, local publish);
 * - `makeReport`: a hand-built report with given verdict counts and unverified criteria (quality gate, annotations, publisher).
 */

export function signals(over: Partial<TestSignals> = {}): TestSignals {
  return {
    passes: { ok: true },
    stability: { runs: 3, passed: 3, flaky: false },
    coverage: { changedLinesCovered: { 'src/pricing.py': [4, 5] }, coveredCount: 2, changedTotal: 3, addsOverSuite: true },
    mutation: { killed: 4, killedByAssertion: 4, killedByCrash: 0, survived: 1, notReached: 2, total: 7 },
    failToPass: 'fail-to-pass',
    lint: [],
    judge: null,
    ...over,
  };
}

/** Signals of a test that passed and nothing else is known about. */
export function passOnlySignals(): TestSignals {
  return signals({ stability: null, coverage: null, mutation: null, failToPass: null });
}

export function reportTest(name: string, over: Partial<ReportTest> = {}): ReportTest {
  return {
    id: `tests/test_pricing.py::${name}`,
    file: 'tests/test_pricing.py',
    name,
    verdict: 'accept',
    reasons: [],
    signals: signals(),
    acIds: ['AC#1'],
    origin: 'generated',
    ...over,
  };
}

export const SAMPLE_ACS: AcceptanceCriterion[] = [
  { id: 'AC#1', text: 'Orders of 100 or more get a 10% discount', syntax: 'tagged', source: { path: '.aifactory/specs/discounts/spec.md', line: 7 } },
  { id: 'AC#2', text: 'Negative prices raise ValueError', syntax: 'tagged', source: { path: '.aifactory/specs/discounts/spec.md', line: 8 } },
  { id: 'AC#3', text: 'Discount | codes are case-insensitive', syntax: 'tagged', source: { path: '.aifactory/specs/discounts/spec.md', line: 9 } },
];

/** A complete, fixed report (fixed clock) for rendering tests. */
export function sampleReport(): Report {
  const tests: ReportTest[] = [
    reportTest('test_discount_at_threshold'),
    reportTest('test_negative_price_raises', {
      acIds: ['AC#2'],
      verdict: 'flag',
      reasons: [{ code: 'kills-only-by-crash', text: 'It noticed 2 planted bugs only because the code crashed, never by checking a computed value.', severity: 'flag' }],
      signals: signals({ mutation: { killed: 2, killedByAssertion: 0, killedByCrash: 2, survived: 0, notReached: 3, total: 5 }, failToPass: 'pass-to-pass' }),
    }),
    reportTest('test_not_none', {
      verdict: 'reject',
      reasons: [{ code: 'kills-no-mutant', text: 'All 5 deliberate bugs planted in the changed lines it runs went unnoticed: it would not catch a real one.', severity: 'reject' }],
      signals: signals({ mutation: { killed: 0, killedByAssertion: 0, killedByCrash: 0, survived: 5, notReached: 2, total: 7 } }),
    }),
  ];
  const sources = Object.fromEntries(tests.map((t, i) => [t.id, `def ${t.name}():\n    assert compute(${i}) == ${i * 10}\n`]));
  return triage({
    runId: 'run_01HX', source: 'acme/shop#42', baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40),
    startedAt: '2026-11-24T10:00:00.000Z', dryRun: false, settings: testSettings(),
    spec: { kind: 'aifactory', id: 'discounts', title: 'Discounts', path: '.aifactory/specs/discounts/spec.md', contentHash: 'c'.repeat(64), acs: SAMPLE_ACS },
    acs: SAMPLE_ACS, tests, sources, languages: {}, stuck: [{ subtaskId: 'S4', target: 'src/pricing.py::parse_code', acIds: ['AC#3'], reasons: ['hallucinated import pricing.normalize_code (twice)'] }],
    usage: { ...ZERO_USAGE, calls: 5, inputTokens: 12000, outputTokens: 3000, cacheReadTokens: 8000, cacheWriteTokens: 2000, costUsd: 0.0912, provider: 'anthropic', model: 'claude-sonnet-4-5' },
    prompts: { planner: '1.0.0', generator: '1.0.0' }, timings: { ingest: 1200, evaluate: 45000 }, notes: [],
    now: () => new Date('2026-11-24T10:05:00.000Z'),
  });
}

function countedTest(i: number, verdict: Verdict, file: string): ReportTest {
  return reportTest(`test_${verdict}_${i}`, {
    id: `${file}::test_${verdict}_${i}`,
    file,
    line: 10 + i,
    verdict,
    reasons: verdict === 'accept' ? [] : [{ code: `${verdict}-reason`, text: `reason for ${verdict} ${i}`, severity: verdict === 'flag' ? 'flag' : 'reject' }],
    signals: passOnlySignals(),
  });
}

export interface ReportCounts {
  accepted?: number;
  flagged?: number;
  rejected?: number;
  /** Criteria besides the one verified criterion `AC#0`; each has a spec source line. */
  unverifiedAcs?: number;
}

/**
 * A report with the given counts; accepted tests live in `tests/test_accepted.py`, flagged ones in
 * `tests/test_flagged.py`, rejected ones in `tests/test_rejected.py`. The summary agrees with the lists.
 */
export function makeReport(counts: ReportCounts, runId = 'run-1'): Report {
  const groups: [Verdict, number][] = [['accept', counts.accepted ?? 0], ['flag', counts.flagged ?? 0], ['reject', counts.rejected ?? 0]];
  const fileOf: Record<string, string> = { accept: 'tests/test_accepted.py', flag: 'tests/test_flagged.py', reject: 'tests/test_rejected.py' };
  const tests = groups.flatMap(([verdict, n]) => Array.from({ length: n }, (_, i) => countedTest(i, verdict, fileOf[verdict] ?? '')));
  const acs: ReportAc[] = [
    { id: 'AC#0', text: 'verified criterion', status: 'verified', tests: [] },
    ...Array.from({ length: counts.unverifiedAcs ?? 0 }, (_, i): ReportAc => ({
      id: `AC#${i + 1}`,
      text: `criterion ${i + 1}`,
      status: 'unverified',
      tests: [],
      source: { path: 'specs/042/spec.md', line: 20 + i },
    })),
  ];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: { id: runId, source: 'Codertocat/Hello-World#2', baseSha: 'b'.repeat(40), headSha: 'h'.repeat(40), startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:05:00Z', tfactoryVersion: '0.1.0', prompts: {}, dryRun: false },
    settings: testSettings(),
    spec: { id: '042-discounts', kind: 'aifactory', path: 'specs/042/spec.md', contentHash: 'c' },
    summary: { total: tests.length, accepted: counts.accepted ?? 0, flagged: counts.flagged ?? 0, rejected: counts.rejected ?? 0, errors: 0, stuck: 0, acsVerified: 1, acsTotal: acs.length },
    tests,
    acs,
    stuck: [],
    usage: { ...ZERO_USAGE, provider: 'replay', model: 'none' },
    timings: {},
    notes: [],
  };
}
