import type { Logger } from '../logger.js';
import type { RunService } from '../runs/types.js';
import type { CheckRunTracker } from './check-run-tracker.js';
import type { KeyedLock } from './keyed-lock.js';
import type { SettingsEnv } from '../config/run-settings.js';

/** What the webhook handlers share: the run service and the check run tracker, nothing global. */
export interface HandlerDeps {
  runService: RunService;
  tracker: CheckRunTracker;
  /** Serialises the triggers of one PR (see run-source.ts startRun). */
  pullLock?: KeyedLock;
  /** Runs whose PR was already told (by a label trigger) that they are in progress: told once, not on every label. */
  toldInProgress?: Set<string>;
  log: Logger;
  /** Our GitHub App id: a rerequested check run of another app is not ours. */
  appId?: number;
  /** The server's model settings (TFACTORY_LLM, TFACTORY_MODEL, OPENAI_BASE_URL); default Anthropic. */
  settingsEnv?: SettingsEnv;
  /** The run's dashboard page (TFACTORY_PUBLIC_URL): the check run's details link. */
  runPageUrl?: (runId: string) => string | undefined;
}

/** Bots never trigger anything (this includes the app's own pushes and comments). */
export function isBotSender(sender: { type?: string } | undefined | null): boolean {
  return sender?.type === 'Bot';
}
