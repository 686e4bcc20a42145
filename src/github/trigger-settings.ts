import type { RepoConfig } from '../config/repo-config.js';
import { DEFAULT_SETTINGS_ENV, resolveRunSettings, type RunSettings, type SettingsEnv } from '../config/run-settings.js';

/**
 * The settings of a run the App starts: the repo config read at trigger, over the server's model
 * (a repo's `model` is a model id of the server's provider; a replay server keeps its transcript).
 * Rerequested runs reuse the settings of the run they repeat.
 */
export function triggerSettings(config: RepoConfig, env: SettingsEnv | undefined): RunSettings {
  return resolveRunSettings({ repoConfig: config, env: env ?? DEFAULT_SETTINGS_ENV });
}
