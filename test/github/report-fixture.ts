import { REPORT_SCHEMA_VERSION, type Report, type ReportTest, type Verdict } from '../../src/report/types.js';
import { testSettings } from '../fakes/settings.js';

function makeTest(i: number, verdict: Verdict, file: string): ReportTest {
  return {
    id: `${file}::test_${verdict}_${i}`,
    file,
    name: `test_${verdict}_${i}`,
    line: 10 + i,
    verdict,
    reasons: verdict === 'accept' ? [] : [{ code: `${verdict}-reason`, text: `reason for ${verdict} ${i}`, severity: verdict === 'flag' ? 'flag' : 'reject' }],
    signals: { passes: { ok: true }, stability: null, coverage: null, mutation: null, failToPass: null, lint: [], judge: null },
    acIds: ['AC#1'],
    origin: 'generated',
  };
}

/** A report with the given counts; accepted tests live in `tests/test_accepted.py`. */
export function makeReport(counts: { accepted?: number; flagged?: number; rejected?: number; unverifiedAcs?: number }, runId = 'run-1'): Report {
  const tests: ReportTest[] = [];
  for (let i = 0; i < (counts.accepted ?? 0); i++) tests.push(makeTest(i, 'accept', 'tests/test_accepted.py'));
  for (let i = 0; i < (counts.flagged ?? 0); i++) tests.push(makeTest(i, 'flag', 'tests/test_flagged.py'));
  for (let i = 0; i < (counts.rejected ?? 0); i++) tests.push(makeTest(i, 'reject', 'tests/test_rejected.py'));
  const unverified = counts.unverifiedAcs ?? 0;
  const acs = [
    { id: 'AC#0', text: 'verified criterion', status: 'verified' as const, tests: [] },
    ...Array.from({ length: unverified }, (_, i) => ({
      id: `AC#${i + 1}`,
      text: `criterion ${i + 1}`,
      status: 'unverified' as const,
      tests: [],
      source: { path: 'specs/042/spec.md', line: 20 + i },
    })),
  ];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: { id: runId, source: 'Codertocat/Hello-World#2', baseSha: 'b'.repeat(40), headSha: 'h'.repeat(40), startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:05:00Z', tfactoryVersion: '0.1.0', prompts: {}, dryRun: false },
    settings: testSettings(),
    spec: { id: '042-discounts', kind: 'aifactory', path: 'specs/042/spec.md', contentHash: 'c' },
    summary: {
      total: tests.length,
      accepted: counts.accepted ?? 0,
      flagged: counts.flagged ?? 0,
      rejected: counts.rejected ?? 0,
      errors: 0,
      stuck: 0,
      acsVerified: 1,
      acsTotal: 1 + unverified,
    },
    tests,
    acs,
    stuck: [],
    usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0, provider: 'replay', model: 'none' },
    timings: {},
    notes: [],
  };
}
