import { z } from 'zod';
import { RunSettingsSchema } from '../config/run-settings.js';
import { REPORT_SCHEMA_VERSION, type Report } from './types.js';

/** The published schema of report.json (schema/report.schema.json is generated from it). */
const usageFields = {
  calls: z.number().int(), inputTokens: z.number().int(), outputTokens: z.number().int(),
  cacheWriteTokens: z.number().int(), cacheReadTokens: z.number().int(), costUsd: z.number(),
};
const reason = z.object({ code: z.string(), text: z.string(), severity: z.enum(['reject', 'flag', 'info', 'error']) });
const lint = z.object({ rule: z.string(), severity: z.enum(['high', 'medium', 'low']), message: z.string(), line: z.number().int().optional() });

const signals = z.object({
  passes: z.object({ ok: z.boolean(), failureKind: z.enum(['assertion', 'error', 'import', 'collection', 'timeout']).optional(), message: z.string().optional() }).nullable(),
  stability: z.object({ runs: z.number().int(), passed: z.number().int(), flaky: z.boolean() }).nullable(),
  coverage: z.object({
    changedLinesCovered: z.record(z.string(), z.array(z.number().int())),
    coveredCount: z.number().int(),
    changedTotal: z.number().int(),
    addsOverSuite: z.boolean().nullable(),
  }).nullable(),
  mutation: z.object({
    killed: z.number().int(), killedByAssertion: z.number().int(), killedByCrash: z.number().int(),
    survived: z.number().int(), notReached: z.number().int(), total: z.number().int(),
  }).nullable(),
  failToPass: z.enum(['fail-to-pass', 'pass-to-pass', 'fail-both', 'not-run']).nullable(),
  lint: z.array(lint),
  judge: z.object({ relevant: z.boolean(), votes: z.number().int(), of: z.number().int(), rationale: z.string().optional() }).nullable(),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  run: z.object({
    id: z.string(), source: z.string(), baseSha: z.string(), headSha: z.string(),
    startedAt: z.string(), finishedAt: z.string(), tfactoryVersion: z.string(),
    prompts: z.record(z.string(), z.string()), dryRun: z.boolean(),
  }),
  settings: RunSettingsSchema,
  spec: z.object({
    id: z.string(), kind: z.string(), path: z.string(), contentHash: z.string(), commitSha: z.string().optional(),
    derived: z.object({ label: z.string(), sources: z.array(z.string()) }).optional(),
  }).nullable(),
  summary: z.object({
    total: z.number().int(), accepted: z.number().int(), flagged: z.number().int(), rejected: z.number().int(),
    errors: z.number().int(), stuck: z.number().int(), acsVerified: z.number().int(), acsTotal: z.number().int(),
  }),
  tests: z.array(z.object({
    id: z.string(), file: z.string(), name: z.string(), verdict: z.enum(['accept', 'flag', 'reject', 'error']),
    reasons: z.array(reason), signals, acIds: z.array(z.string()), subtaskId: z.string().optional(), line: z.number().int().optional(),
    origin: z.enum(['generated', 'provided']),
  })),
  acs: z.array(z.object({
    id: z.string(), text: z.string(), status: z.enum(['verified', 'flagged', 'unverified']), tests: z.array(z.string()),
    source: z.object({ path: z.string(), line: z.number().int() }).optional(),
    published: z.array(z.string()).optional(),
  })),
  stuck: z.array(z.object({ subtaskId: z.string(), target: z.string(), acIds: z.array(z.string()), reasons: z.array(z.string()) })),
  usage: z.object({
    provider: z.string(), model: z.string(), ...usageFields,
    byStage: z.record(z.string(), z.object(usageFields)).optional(),
  }),
  timings: z.record(z.string(), z.number()),
  notes: z.array(z.string()),
  publication: z.object({
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('commit'), commitSha: z.string(), branch: z.string().optional(), repository: z.string().optional() }),
      z.object({ kind: z.literal('folder'), path: z.string() }),
      z.object({ kind: z.literal('pending'), branch: z.string().optional() }),
      z.object({ kind: z.literal('none'), reason: z.string() }),
    ]),
    files: z.array(z.object({ path: z.string(), tests: z.array(z.string()), pruned: z.boolean() })),
    leftOut: z.array(z.object({ test: z.string(), reason: z.string() })),
  }).optional(),
});

export function validateReport(value: unknown): Report {
  return reportSchema.parse(value) as Report;
}

export function reportJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/tfactory/tfactory/schema/report.schema.json',
    title: 'TFactory report',
    ...z.toJSONSchema(reportSchema),
  };
}
