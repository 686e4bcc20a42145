import type { Logger } from '../logger.js';
import type { RetryPolicy, Sleep } from './retry.js';

/** What every provider adapter takes besides its own connection settings. */
export interface AdapterOptions {
  /** Per-request timeout (each attempt). */
  timeoutMs?: number;
  maxTokens?: number;
  temperature?: number;
  retry?: Partial<RetryPolicy>;
  /** Text of prompts/repair.md (with `{{error}}`). */
  repairPrompt: string;
  sleep?: Sleep;
  log?: Logger;
}
