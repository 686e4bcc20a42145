import { DEFAULT_SETTINGS_ENV, resolveRunSettings, type RunSettings } from '../../src/config/run-settings.js';

/** The settings of a run with nothing configured (Anthropic server, no repo config, no flags), with overrides. */
export function testSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return { ...resolveRunSettings({ env: DEFAULT_SETTINGS_ENV }), ...overrides };
}
