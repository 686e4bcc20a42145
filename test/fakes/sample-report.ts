import type { ReportTest, TestSignals } from '../../src/report/types.js';
import type { AcceptanceCriterion } from '../../src/spec/types.js';
import { triage } from '../../src/pipeline/stages/triage/triage.js';
import { ZERO_USAGE } from '../../src/llm/port.js';
import { testSettings } from './settings.js';

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
export function sampleReport() {
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
