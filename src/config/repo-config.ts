import { z } from 'zod';
import { JSON_MODES } from '../llm/json-mode.js';
import { DEFAULT_MAX_TESTS, MAX_TESTS_LIMIT, RUN_LANGUAGES, STABILITY_RUNS, TestPathSchema } from './settings-limits.js';

/** Where a repository keeps its TFactory settings (read from the default branch). */
export const REPO_CONFIG_FILE = 'tfactory.yml';
export const REPO_CONFIG_PATH = `.github/${REPO_CONFIG_FILE}`;

/** Author associations GitHub reports on comments and PRs. */
export const AUTHOR_ASSOCIATIONS = [
  'OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'MANNEQUIN', 'NONE',
] as const;
export type AuthorAssociation = (typeof AUTHOR_ASSOCIATIONS)[number];

const QualityGateSchema = z
  .strictObject({
    minAccepted: z.number().int().min(0).default(0).describe('Fewer accepted tests than this fails the check run.'),
    failOnRejected: z.boolean().default(false).describe('Any rejected test fails the check run.'),
    requireAllAcsVerified: z
      .boolean()
      .default(false)
      .describe('An acceptance criterion left unverified makes the check run "action required".'),
  })
  .describe('Thresholds that decide the check run conclusion.');

export const RepoConfigSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(50).default('tfactory').describe('The PR label that starts a run.'),
    languages: z
      .array(z.enum(RUN_LANGUAGES))
      .min(1)
      .optional()
      .describe('Languages a run works on: changed code of other languages is left alone. All detected languages when absent.'),
    testPaths: z
      .array(TestPathSchema)
      .min(1)
      .optional()
      .describe('Repo-relative folders where tests live and new tests are placed; a project uses the first one inside it. Detected when absent.'),
    stabilityRuns: z.number().int().min(STABILITY_RUNS.min).max(STABILITY_RUNS.max).default(STABILITY_RUNS.default).describe('How many times each test is run to prove it is stable.'),
    mutation: z.boolean().default(true).describe('Run the mutation probe on the changed code.'),
    qualityGate: QualityGateSchema.default({ minAccepted: 0, failOnRejected: false, requireAllAcsVerified: false }),
    onPush: z
      .enum(['rerun', 'ignore'])
      .default('ignore')
      .describe('What a push to a labelled PR does: run again, or nothing.'),
    maxTests: z.number().int().min(1).max(MAX_TESTS_LIMIT).default(DEFAULT_MAX_TESTS).describe('Upper bound on the tests planned and written in one run.'),
    commitFlagged: z.boolean().default(false).describe('Also commit tests that were flagged for review.'),
    judge: z
      .boolean()
      .default(true)
      .describe('Ask the LLM relevance judge about the tests every other signal accepts (one call per test file); false saves those model calls.'),
    model: z.string().min(1).optional().describe('Model id to use instead of the server default.'),
    jsonMode: z
      .enum(JSON_MODES)
      .optional()
      .describe('How an OpenAI-compatible server is asked for JSON: json_schema (default), json_object, or none (the schema in the prompt only).'),
    allowedAssociations: z
      .array(z.enum(AUTHOR_ASSOCIATIONS))
      .default([])
      .describe('Author associations allowed to trigger runs without a write-permission check.'),
  })
  .describe('TFactory repository configuration (.github/tfactory.yml).');

export type RepoConfig = z.output<typeof RepoConfigSchema>;
export type RepoConfigInput = z.input<typeof RepoConfigSchema>;

export type RepoConfigResult = { ok: true; config: RepoConfig } | { ok: false; errors: string[] };

/** The configuration a repository without `.github/tfactory.yml` gets. */
export function defaultRepoConfig(): RepoConfig {
  return RepoConfigSchema.parse({});
}

/** Validates raw config (parsed YAML, or null when there is no file). Invalid config is a value, not a throw. */
export function parseRepoConfig(raw: unknown): RepoConfigResult {
  const parsed = RepoConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, errors: parsed.error.issues.map(formatIssue) };
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  return `${where}: ${issue.message}`;
}

/** JSON schema of the file as a person writes it (defaults make fields optional). */
export function buildRepoConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RepoConfigSchema, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'TFactory repository configuration' };
}

/** The exact text of schema/tfactory-config.schema.json. */
export function renderRepoConfigJsonSchema(): string {
  return `${JSON.stringify(buildRepoConfigJsonSchema(), null, 2)}\n`;
}
