import { REPORT_SCHEMA_VERSION, type Report, type ReportTest, type StuckSubtask } from '../../../report/types.js';
import { buildAcLedger } from '../../../report/ac-ledger.js';
import type { AcceptanceCriterion, SpecSnapshot } from '../../../criteria/types.js';
import type { LlmUsage } from '../../../llm/port.js';
import type { RunSettings } from '../../../config/run-settings.js';
import { fallbackLanguage } from '../../../languages/registry.js';
import type { Language } from '../../../languages/types.js';
import { TFACTORY_VERSION } from '../../../version.js';
import { dedupTests } from './dedup.js';
import { rankTests } from './rank.js';

export interface TriageInput {
  runId: string;
  source: string;
  baseSha: string;
  headSha: string;
  startedAt: string;
  dryRun: boolean;
  settings: RunSettings;
  spec: SpecSnapshot | null;
  acs: AcceptanceCriterion[];
  tests: ReportTest[];
  /** Test id → its function source, for dedup. */
  sources: Record<string, string>;
  languages: Record<string, Language>;
  stuck: StuckSubtask[];
  usage: LlmUsage & { provider: string; model: string };
  prompts: Record<string, string>;
  timings: Record<string, number>;
  notes: string[];
  now?: () => Date;
}

/** Dedup, rank and assemble report.json's model. */
export function triage(input: TriageInput): Report {
  const items = input.tests.map((test) => ({
    test,
    source: input.sources[test.id] ?? '',
    language: input.languages[test.id] ?? fallbackLanguage(),
  }));
  const { kept, duplicates } = dedupTests(items.filter((i) => i.source.length > 0));
  const withoutSource = items.filter((i) => i.source.length === 0).map((i) => i.test);
  const dupTests: ReportTest[] = duplicates.map(({ item, of }) => ({
    ...item.test,
    verdict: item.test.verdict === 'error' ? 'error' : 'reject',
    reasons: [...item.test.reasons, { code: 'duplicate', text: `It is a copy of \`${of}\` (same code once whitespace and comments are ignored).`, severity: 'reject' }],
  }));
  const tests = rankTests([...kept.map((k) => k.test), ...withoutSource, ...dupTests]);
  const acs = buildAcLedger(input.acs, tests);
  const count = (v: ReportTest['verdict']): number => tests.filter((t) => t.verdict === v).length;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: {
      id: input.runId,
      source: input.source,
      baseSha: input.baseSha,
      headSha: input.headSha,
      startedAt: input.startedAt,
      finishedAt: (input.now ?? (() => new Date()))().toISOString(),
      tfactoryVersion: TFACTORY_VERSION,
      prompts: input.prompts,
      dryRun: input.dryRun,
    },
    settings: input.settings,
    spec: input.spec
      ? {
          id: input.spec.id, kind: input.spec.kind, path: input.spec.path, contentHash: input.spec.contentHash,
          ...(input.spec.commitSha ? { commitSha: input.spec.commitSha } : {}),
          ...(input.spec.derived ? { derived: { label: input.spec.derived.label, sources: input.spec.derived.sources.filter((x) => x.criteria > 0).map((x) => x.ref) } } : {}),
        }
      : null,
    summary: {
      total: tests.length,
      accepted: count('accept'),
      flagged: count('flag'),
      rejected: count('reject'),
      errors: count('error'),
      stuck: input.stuck.length,
      acsVerified: acs.filter((a) => a.status === 'verified').length,
      acsTotal: acs.length,
    },
    tests,
    acs,
    stuck: input.stuck,
    usage: input.usage,
    timings: input.timings,
    notes: input.notes,
  };
}
