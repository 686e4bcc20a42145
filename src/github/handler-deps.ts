import type { Logger } from '../logger.js';
import type { RunService } from '../runs/types.js';
import type { CheckRunTracker } from './check-run-tracker.js';
import type { LlmForModel } from './run-options.js';

/** What the webhook handlers share: the run service and the check run tracker, nothing global. */
export interface HandlerDeps {
  runService: RunService;
  tracker: CheckRunTracker;
  log: Logger;
  /** Our GitHub App id: a rerequested check run of another app is not ours. */
  appId?: number;
  /** How a repo config's `model` becomes the run's `llm` option (absent: the model setting is ignored). */
  llmForModel?: LlmForModel;
}

/** Bots never trigger anything (this includes the app's own pushes and comments). */
export function isBotSender(sender: { type?: string } | undefined | null): boolean {
  return sender?.type === 'Bot';
}
