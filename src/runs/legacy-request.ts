import { DEFAULT_SETTINGS_ENV, resolveRunSettings, type RunSettings, type SettingsEnv } from '../config/run-settings.js';
import type { RunOptions, RunRequest } from './types.js';

/** The options a run request held before its settings were resolved at submission (runs stored by older versions). */
interface LegacyOptions extends RunOptions {
  noLlm?: boolean;
  llm?: string;
  evaluation?: Partial<RunSettings['evaluation']>;
  maxTests?: number;
  commitFlagged?: boolean;
}

/**
 * A stored request as this version reads it. Requests stored before `settings` existed carry their
 * settings in `options` (model, evaluation, caps); they are resolved here, once, against the
 * environment of the process that reads them, as those versions did when the run started.
 */
export function upgradeStoredRequest(raw: RunRequest | (Omit<RunRequest, 'settings'> & { settings?: undefined }), env: SettingsEnv = DEFAULT_SETTINGS_ENV): RunRequest {
  if (raw.settings !== undefined) return raw;
  const { noLlm, llm, evaluation, maxTests, commitFlagged, ...options } = raw.options as LegacyOptions;
  const resolved = resolveRunSettings({
    env,
    flags: {
      ...(llm !== undefined ? { llm } : {}),
      ...(noLlm === true ? { noLlm: true } : {}),
      // Older versions clamped the cap to 30 without saying so; the stored value is kept within today's cap.
      ...(maxTests !== undefined ? { maxTests: Math.min(30, maxTests) } : {}),
    },
  });
  const settings: RunSettings = {
    ...resolved,
    evaluation: { ...resolved.evaluation, ...evaluation, ...(noLlm === true ? { judge: false } : {}) },
    commitFlagged: commitFlagged === true,
  };
  return { ...raw, options, settings };
}
