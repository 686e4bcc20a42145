import { availableParallelism, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { TfError } from '../errors.js';
import { JSON_MODES, type JsonMode } from '../llm/json-mode.js';

const nonEmpty = z.string().trim().min(1);
const optionalText = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), nonEmpty.optional());

const LLM = z
  .string()
  .trim()
  .regex(/^(anthropic|openai|replay:.+)$/, 'must be "anthropic", "openai" or "replay:<transcript file>"')
  .transform((v) => (v.startsWith('replay:') ? { provider: 'replay' as const, file: v.slice('replay:'.length) } : { provider: v as 'anthropic' | 'openai' }));

function wholeNumber(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).optional(),
  );
}

const EnvSchema = z.object({
  TFACTORY_DB: optionalText,
  TFACTORY_CONCURRENCY: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(256, 'must be at most 256').optional(),
  ),
  TFACTORY_WORKSPACE_ROOT: optionalText,
  TFACTORY_LEASE_MS: wholeNumber(200, 3_600_000),
  DATABASE_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL such as postgres://user:password@host:5432/tfactory').optional(),
  ),
  TFACTORY_QUEUE: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a queue name: letters, digits, - and _').optional(),
  ),
  REDIS_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL such as redis://host:6379').optional(),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  ),
  ANTHROPIC_API_KEY: optionalText,
  TFACTORY_LLM: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), LLM.optional()),
  TFACTORY_MODEL: optionalText,
  TFACTORY_MODEL_TIMEOUT_MS: wholeNumber(1000, 3_600_000),
  TFACTORY_MODEL_ATTEMPTS: wholeNumber(1, 10),
  TFACTORY_MODEL_CALL_MS: wholeNumber(1000, 7_200_000),
  TFACTORY_MODEL_STALL_MS: wholeNumber(1000, 3_600_000),
  TFACTORY_JSON_MODE: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z.enum(JSON_MODES, { message: 'must be json_schema, json_object or none' }).optional(),
  ),
  OPENAI_BASE_URL: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.url({ message: 'must be a URL such as http://localhost:11434/v1' }).optional()),
  OPENAI_API_KEY: optionalText,
  APP_ID: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number({ message: 'must be the numeric GitHub App id' }).int('must be the numeric GitHub App id').positive('must be the numeric GitHub App id').optional(),
  ),
  PRIVATE_KEY: optionalText,
  PRIVATE_KEY_PATH: optionalText,
  WEBHOOK_SECRET: optionalText,
});

/** TFactory's settings from the environment. Secrets sit under `apiKey` / `privateKey` keys (redacted in logs). */
export interface Env {
  /** Absolute path of the run database, or `:memory:`. */
  dbPath: string;
  concurrency: number;
  /** How long a run's lease lasts without a heartbeat (runs/lease.ts); undefined: the default. */
  leaseMs?: number;
  /** The shared PostgreSQL run store (DATABASE_URL); unset: SQLite at dbPath. Holds a password: never logged. */
  databaseUrl?: string;
  /** The BullMQ queue on Redis (REDIS_URL); unset: the in-process queue. May hold a password: never logged. */
  redisUrl?: string;
  /** The BullMQ queue's name (TFACTORY_QUEUE, default `tfactory-runs`): several installations can share one Redis. */
  queueName?: string;
  workspaceRoot: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  llm: { provider: 'anthropic' | 'openai'; model?: string } | { provider: 'replay'; file: string; model?: string };
  /** Per-request timeout, attempts and whole-call bound of model calls, where the environment sets them. */
  modelTransport: { requestMs?: number; attempts?: number; callMs?: number; stallMs?: number };
  anthropic: { apiKey?: string };
  openai: { baseUrl?: string; apiKey?: string; jsonMode?: JsonMode };
  github: { appId?: number; privateKey?: string; privateKeyPath?: string; webhookSecret?: string };
}

function fail(issues: string[]): never {
  throw new TfError('CONFIG_INVALID', `invalid environment:\n${issues.map((i) => `  - ${i}`).join('\n')}`, {
    details: { issues },
    hint: 'fix the variables named above (see .env.example); values are never printed',
  });
}

/**
 * Reads and checks the environment. Messages name the variable and what is expected, never its value.
 * Relative paths resolve against `cwd`.
 */
export function loadEnv(env: Record<string, string | undefined>, cwd: string = process.cwd()): Env {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`));
  const e = parsed.data;
  const issues: string[] = [];
  if (e.PRIVATE_KEY && e.PRIVATE_KEY_PATH) issues.push('PRIVATE_KEY and PRIVATE_KEY_PATH: set only one of them');
  if (e.PRIVATE_KEY && !e.PRIVATE_KEY.replace(/\\n/g, '\n').includes('-----BEGIN')) issues.push('PRIVATE_KEY: must be a PEM private key (-----BEGIN … KEY-----)');
  if (issues.length > 0) fail(issues);

  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const db = e.TFACTORY_DB ?? join('.tfactory', 'tfactory.db');
  const llm = e.TFACTORY_LLM ?? { provider: 'anthropic' as const };
  const model = e.TFACTORY_MODEL !== undefined ? { model: e.TFACTORY_MODEL } : {};
  return {
    dbPath: db === ':memory:' ? db : abs(db),
    concurrency: e.TFACTORY_CONCURRENCY ?? availableParallelism(),
    ...(e.TFACTORY_LEASE_MS !== undefined ? { leaseMs: e.TFACTORY_LEASE_MS } : {}),
    ...(e.DATABASE_URL !== undefined ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.REDIS_URL !== undefined ? { redisUrl: e.REDIS_URL } : {}),
    ...(e.TFACTORY_QUEUE !== undefined ? { queueName: e.TFACTORY_QUEUE } : {}),
    workspaceRoot: abs(e.TFACTORY_WORKSPACE_ROOT ?? join(tmpdir(), 'tfactory-workspaces')),
    logLevel: e.LOG_LEVEL,
    llm: llm.provider === 'replay' ? { provider: 'replay', file: abs(llm.file), ...model } : { provider: llm.provider, ...model },
    modelTransport: {
      ...(e.TFACTORY_MODEL_TIMEOUT_MS !== undefined ? { requestMs: e.TFACTORY_MODEL_TIMEOUT_MS } : {}),
      ...(e.TFACTORY_MODEL_ATTEMPTS !== undefined ? { attempts: e.TFACTORY_MODEL_ATTEMPTS } : {}),
      ...(e.TFACTORY_MODEL_CALL_MS !== undefined ? { callMs: e.TFACTORY_MODEL_CALL_MS } : {}),
      ...(e.TFACTORY_MODEL_STALL_MS !== undefined ? { stallMs: e.TFACTORY_MODEL_STALL_MS } : {}),
    },
    anthropic: e.ANTHROPIC_API_KEY !== undefined ? { apiKey: e.ANTHROPIC_API_KEY } : {},
    openai: {
      ...(e.OPENAI_BASE_URL !== undefined ? { baseUrl: e.OPENAI_BASE_URL } : {}),
      ...(e.OPENAI_API_KEY !== undefined ? { apiKey: e.OPENAI_API_KEY } : {}),
      ...(e.TFACTORY_JSON_MODE !== undefined ? { jsonMode: e.TFACTORY_JSON_MODE } : {}),
    },
    github: {
      ...(e.APP_ID !== undefined ? { appId: e.APP_ID } : {}),
      ...(e.PRIVATE_KEY !== undefined ? { privateKey: e.PRIVATE_KEY.replace(/\\n/g, '\n') } : {}),
      ...(e.PRIVATE_KEY_PATH !== undefined ? { privateKeyPath: abs(e.PRIVATE_KEY_PATH) } : {}),
      ...(e.WEBHOOK_SECRET !== undefined ? { webhookSecret: e.WEBHOOK_SECRET } : {}),
    },
  };
}

/** Checks that the chosen model provider has what it needs (the CLI's `--no-llm` runs skip this). */
export function requireLlmEnv(env: Env): void {
  if (env.llm.provider === 'anthropic' && !env.anthropic.apiKey) {
    fail(['ANTHROPIC_API_KEY: required when TFACTORY_LLM is anthropic (the default); or set TFACTORY_LLM=openai or replay:<file>']);
  }
  if (env.llm.provider === 'openai' && !env.openai.baseUrl && !env.openai.apiKey) {
    fail(['OPENAI_BASE_URL or OPENAI_API_KEY: required when TFACTORY_LLM is openai']);
  }
}

/** Checks the GitHub App settings the server needs: APP_ID, a private key, WEBHOOK_SECRET. */
export function requireGitHubAppEnv(env: Env): { appId: number; webhookSecret: string } & ({ privateKey: string } | { privateKeyPath: string }) {
  const { appId, privateKey, privateKeyPath, webhookSecret } = env.github;
  const issues: string[] = [];
  if (appId === undefined) issues.push('APP_ID: required to run the GitHub App (the App id from its settings page)');
  if (!privateKey && !privateKeyPath) issues.push('PRIVATE_KEY or PRIVATE_KEY_PATH: required to run the GitHub App');
  if (!webhookSecret) issues.push('WEBHOOK_SECRET: required to run the GitHub App (the secret set on its webhook)');
  if (issues.length > 0 || appId === undefined || !webhookSecret) fail(issues);
  return privateKey ? { appId, webhookSecret, privateKey } : { appId, webhookSecret, privateKeyPath: privateKeyPath as string };
}
