import { REPO_CONFIG_FILE, REPO_CONFIG_PATH, parseRepoConfig, type RepoConfigResult } from '../config/repo-config.js';

/** Something that reads `.github/<file>` as parsed YAML, or null when there is none (Probot's `context.config`). */
export type ConfigReader = (fileName: string) => Promise<unknown>;

/** Reads and validates the repo config. Unreadable YAML is an invalid config, not a crash. */
export async function loadRepoConfig(read: ConfigReader): Promise<RepoConfigResult> {
  let raw: unknown;
  try {
    raw = await read(REPO_CONFIG_FILE);
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status !== undefined) throw err; // an API failure is not the repo's fault
    return { ok: false, errors: [`${REPO_CONFIG_PATH}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return parseRepoConfig(raw);
}

/** Check run text for an invalid config. */
export function renderConfigErrors(errors: string[]): { title: string; summary: string } {
  return {
    title: `Invalid ${REPO_CONFIG_PATH}`,
    summary: [
      `TFactory did not start: \`${REPO_CONFIG_PATH}\` on the default branch is invalid.`,
      '',
      ...errors.map((e) => `- ${e}`),
      '',
      'The file\'s schema is published as `schema/tfactory-config.schema.json` in the TFactory repository.',
    ].join('\n'),
  };
}
