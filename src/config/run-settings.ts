import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { TfError } from '../errors.js';
import { DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_BASE_URL, parseLlmOption } from '../llm/llm-option.js';
import type { Env } from './env.js';
import { JSON_MODES } from '../llm/json-mode.js';
import type { RepoConfig } from './repo-config.js';
import { DEFAULT_MAX_TESTS, MAX_TESTS_LIMIT, RUN_LANGUAGES, STABILITY_RUNS, TestPathSchema } from './settings-limits.js';

export { DEFAULT_MAX_TESTS, MAX_TESTS_LIMIT, RUN_LANGUAGES, STABILITY_RUNS, TestPathSchema };

/** Attempts per model call, and the bound on a whole call (a stalled server holds a run at most this long per call). */
export const DEFAULT_MODEL_ATTEMPTS = 3;
export const DEFAULT_MODEL_CALL_MS = 10 * 60_000;
/** A reply whose bytes stop coming for this long (once it has started) is given up and asked again. */
export const DEFAULT_MODEL_STALL_MS = 60_000;

export const EvaluationSettingsSchema = z.strictObject({
  stabilityRuns: z.number().int().min(STABILITY_RUNS.min).max(STABILITY_RUNS.max),
  mutation: z.boolean(),
  maxMutants: z.number().int().min(0).max(1000),
  perTestTimeoutMs: z.number().int().min(1000).max(600_000),
  failToPass: z.boolean(),
  /** The LLM relevance judge (off without a model). */
  judge: z.boolean(),
  seed: z.number().int(),
});

/** The model of a run, without secrets (API keys stay in the environment). `none`: no model (`--no-llm`). */
export const ModelSettingsSchema = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('none') }),
  z.strictObject({ provider: z.literal('anthropic'), id: z.string().min(1) }),
  /** The id may be missing: the run then fails when it builds the model, saying so. */
  /** `jsonMode`: how the server is asked for JSON (absent: json_schema); the schema is in the prompt whatever the mode. */
  z.strictObject({ provider: z.literal('openai'), id: z.string().min(1).optional(), baseUrl: z.url(), jsonMode: z.enum(JSON_MODES).optional() }),
  z.strictObject({ provider: z.literal('replay'), transcript: z.string().min(1) }),
]);

export const QualityGateSettingsSchema = z.strictObject({
  minAccepted: z.number().int().min(0),
  failOnRejected: z.boolean(),
  requireAllAcsVerified: z.boolean(),
});

/** Everything a run reads about how to work: resolved once at submission, stored with the run. */
export const RunSettingsSchema = z.strictObject({
  evaluation: EvaluationSettingsSchema,
  /** Cap on the subtasks the planner keeps (one test each). */
  maxTests: z.number().int().min(1).max(MAX_TESTS_LIMIT),
  /** Also commit tests that were flagged for review. */
  commitFlagged: z.boolean(),
  qualityGate: QualityGateSettingsSchema,
  model: ModelSettingsSchema,
  timeouts: z.strictObject({
    /** One model request (each attempt). */
    modelRequestMs: z.number().int().min(1000).max(3_600_000),
    /** Attempts per model call (1 = no retry). */
    modelAttempts: z.number().int().min(1).max(10).default(DEFAULT_MODEL_ATTEMPTS),
    /** Bound on one model call, attempts and waits together. */
    modelCallMs: z.number().int().min(1000).max(7_200_000).default(DEFAULT_MODEL_CALL_MS),
    /** No byte of a started reply for this long: the attempt is given up (and retried). */
    modelStallMs: z.number().int().min(1000).max(3_600_000).default(DEFAULT_MODEL_STALL_MS),
  }),
  /** Language profiles the run works on; absent: every detected one. */
  languages: z.array(z.enum(RUN_LANGUAGES)).min(1).optional(),
  /** Repo-relative folders where tests live and new ones are placed; absent: detected. */
  testPaths: z.array(TestPathSchema).min(1).optional(),
});

export type RunSettings = z.output<typeof RunSettingsSchema>;
export type EvaluationSettings = RunSettings['evaluation'];
export type ModelSettings = RunSettings['model'];
export type QualityGateSettings = RunSettings['qualityGate'];

/** What a caller (CLI flags, MCP tool input) may ask for; checked, then laid over the repo config. */
export const RunFlagsSchema = z.strictObject({
  /** `anthropic[:<model>]`, `openai[:<model>]` or `replay:<file>`. */
  llm: z.string().trim().min(1).optional(),
  /** No model: no planning or generation, no judge. */
  noLlm: z.boolean().optional(),
  stabilityRuns: z.number().int().optional(),
  mutation: z.boolean().optional(),
  maxTests: z.number().int().optional(),
  /** How an OpenAI-compatible server is asked for JSON. */
  jsonMode: z.enum(JSON_MODES).optional(),
});
export type RunFlags = z.input<typeof RunFlagsSchema>;

/** The part of the environment (config/env.ts) that settles run settings: the server's model and its transport. */
export type SettingsEnv = { llm: Env['llm']; openai: { baseUrl?: string; jsonMode?: Env['openai']['jsonMode'] }; modelTransport?: Env['modelTransport'] };

/** The environment of a server with nothing set: Anthropic with its default model. */
export const DEFAULT_SETTINGS_ENV: SettingsEnv = { llm: { provider: 'anthropic' }, openai: {} };

export const DEFAULT_EVALUATION: EvaluationSettings = {
  stabilityRuns: STABILITY_RUNS.default, mutation: true, maxMutants: 60, perTestTimeoutMs: 20_000, failToPass: true, judge: true, seed: 1234,
};

const MODEL_REQUEST_TIMEOUT_MS = { anthropic: 180_000, openai: 300_000 } as const;

export interface ResolveRunSettingsInput {
  /** The repository's `.github/tfactory.yml`, already validated (read once, at trigger). */
  repoConfig?: RepoConfig;
  flags?: RunFlags;
  env: SettingsEnv;
  /** A relative replay transcript resolves against this folder (default: the process's). */
  cwd?: string;
}

/**
 * The one place where the repo config, the caller's flags and the environment become a run's
 * settings: env (the server's model) < repo config < flags. The result is complete and valid; an
 * invalid input is a CONFIG_INVALID error on one line naming the setting.
 */
export function resolveRunSettings(input: ResolveRunSettingsInput): RunSettings {
  const flags = checkFlags(input.flags ?? {});
  const rc = input.repoConfig;
  const model = resolveModel(rc, flags, input.env, input.cwd ?? process.cwd());
  const candidate = {
    evaluation: {
      ...DEFAULT_EVALUATION,
      ...(rc ? { stabilityRuns: rc.stabilityRuns, mutation: rc.mutation } : {}),
      ...(flags.stabilityRuns !== undefined ? { stabilityRuns: flags.stabilityRuns } : {}),
      ...(flags.mutation !== undefined ? { mutation: flags.mutation } : {}),
      judge: model.provider !== 'none' && (rc?.judge ?? true),
    },
    maxTests: flags.maxTests ?? rc?.maxTests ?? DEFAULT_MAX_TESTS,
    commitFlagged: rc?.commitFlagged ?? false,
    qualityGate: rc?.qualityGate ?? { minAccepted: 0, failOnRejected: false, requireAllAcsVerified: false },
    model,
    timeouts: {
      modelRequestMs: input.env.modelTransport?.requestMs ?? (model.provider === 'openai' ? MODEL_REQUEST_TIMEOUT_MS.openai : MODEL_REQUEST_TIMEOUT_MS.anthropic),
      modelAttempts: input.env.modelTransport?.attempts ?? DEFAULT_MODEL_ATTEMPTS,
      modelCallMs: input.env.modelTransport?.callMs ?? DEFAULT_MODEL_CALL_MS,
      modelStallMs: input.env.modelTransport?.stallMs ?? DEFAULT_MODEL_STALL_MS,
    },
    ...(rc?.languages ? { languages: rc.languages } : {}),
    ...(rc?.testPaths ? { testPaths: rc.testPaths.map(normaliseTestPath) } : {}),
  };
  return parseRunSettings(candidate);
}

/** Validates stored or built settings; an issue is a one-line CONFIG_INVALID error. */
export function parseRunSettings(value: unknown): RunSettings {
  const parsed = RunSettingsSchema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

function checkFlags(flags: RunFlags): z.output<typeof RunFlagsSchema> {
  const parsed = RunFlagsSchema.safeParse(flags);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

function invalid(issues: z.core.$ZodIssue[]): TfError {
  const text = issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('; ');
  return new TfError('CONFIG_INVALID', `invalid run settings: ${text}`, {
    details: { issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    hint: `maxTests is 1 to ${MAX_TESTS_LIMIT}, stabilityRuns ${STABILITY_RUNS.min} to ${STABILITY_RUNS.max}`,
  });
}

/**
 * The server's model (TFACTORY_LLM, TFACTORY_MODEL, OPENAI_BASE_URL); a repo config's `model` names
 * another model id of that provider (a replay server keeps its transcript); `--llm` replaces both;
 * `--no-llm` means no model.
 */
function resolveModel(rc: RepoConfig | undefined, flags: z.output<typeof RunFlagsSchema>, env: SettingsEnv, cwd: string): ModelSettings {
  if (flags.noLlm === true) return { provider: 'none' };
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  let provider: 'anthropic' | 'openai' | 'replay' = env.llm.provider;
  let id = env.llm.model;
  let transcript = env.llm.provider === 'replay' ? env.llm.file : undefined;
  if (rc?.model !== undefined && provider !== 'replay') id = rc.model;
  if (flags.llm !== undefined) {
    const chosen = parseLlmOption(flags.llm);
    provider = chosen.provider;
    if (chosen.model !== undefined) id = chosen.model;
    if (chosen.transcript !== undefined) transcript = chosen.transcript;
  }
  switch (provider) {
    case 'anthropic':
      return { provider, id: id ?? DEFAULT_ANTHROPIC_MODEL };
    case 'openai': {
      const jsonMode = flags.jsonMode ?? rc?.jsonMode ?? env.openai.jsonMode;
      return { provider, ...(id !== undefined ? { id } : {}), baseUrl: env.openai.baseUrl ?? DEFAULT_OPENAI_BASE_URL, ...(jsonMode ? { jsonMode } : {}) };
    }
    case 'replay':
      return { provider, transcript: transcript !== undefined ? abs(transcript) : '' };
  }
}

function normaliseTestPath(p: string): string {
  const trimmed = p.trim().replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '.' : trimmed;
}
