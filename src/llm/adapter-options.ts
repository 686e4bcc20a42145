import type { Logger } from '../logger.js';
import type { RetryPolicy, Sleep } from './retry.js';

/** What every provider adapter takes besides its own connection settings. */
export interface AdapterOptions {
  /** Per-request timeout (each attempt). */
  timeoutMs?: number;
  /** A reply whose bytes stop coming for this long is given up and retried (stall-fetch.ts); absent: no stall watch. */
  stallMs?: number;
  maxTokens?: number;
  temperature?: number;
  retry?: Partial<RetryPolicy>;
  /** Text of prompts/repair.md (with `{{error}}`). */
  repairPrompt: string;
  sleep?: Sleep;
  log?: Logger;
}
