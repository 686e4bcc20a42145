/**
 * Typed errors with stable codes (DESIGN.md, habit 6). Expected failures (a failing generated test,
 * a rejected candidate) are values, not exceptions; these are for what stops a stage or a command.
 */
export const ERROR_CODES = {
  ENGINE_UNREACHABLE: 'Docker engine is not reachable',
  IMAGE_MISSING: 'runner image is missing',
  IMAGE_BUILD_FAILED: 'runner image build failed',
  SANDBOX_FAILED: 'sandbox run failed',
  PREPARE_FAILED: 'dependency preparation failed',
  GIT_FAILED: 'git operation failed',
  SPEC_NOT_FOUND: 'no spec found',
  SPEC_AMBIGUOUS: 'several specs match',
  SPEC_INVALID: 'spec could not be read',
  CONFIG_INVALID: 'configuration is invalid',
  LLM_FAILED: 'model request failed',
  LLM_INVALID_OUTPUT: 'model output failed validation',
  LLM_BUDGET_EXCEEDED: 'model budget exceeded',
  REPLAY_MISS: 'replay transcript holds no such request',
  RUN_NOT_FOUND: 'run not found',
  RUN_CANCELLED: 'run cancelled',
  RUN_INTERRUPTED: 'run interrupted',
  RUN_DEAD_LETTERED: 'run dead-lettered',
  RESULT_PARSE_FAILED: 'test result could not be parsed',
  UNSAFE_PATH: 'a path in the repository leads outside it',
  USAGE: 'invalid command usage',
  INTERNAL: 'internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class TfError extends Error {
  readonly code: ErrorCode;
  /** Evidence kept for the report (exit code, stderr excerpt, paths looked at, …). Never secrets. */
  readonly details: Record<string, unknown>;
  /** What the user can do about it, in plain words. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: Record<string, unknown>; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TfError';
    this.code = code;
    this.details = opts.details ?? {};
    this.hint = opts.hint;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), details: this.details };
  }
}

export function isTfError(err: unknown, code?: ErrorCode): err is TfError {
  return err instanceof TfError && (code === undefined || err.code === code);
}

/** A one-line, user-facing rendering of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof TfError) return err.hint ? `${err.message}\n  → ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
