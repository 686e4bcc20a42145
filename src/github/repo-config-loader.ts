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
    return { ok: false, errors: [`${REPO_CONFIG_PATH}: ${describeConfigError(err)}`] };
  }
  return parseRepoConfig(raw);
}

/** A YAML error as a person fixes it: line and column, and what is wrong there (Probot keeps the parser's error as `cause`). */
export function describeConfigError(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause as { linePos?: Array<{ line: number; col: number }>; message?: string } | undefined;
  const pos = cause?.linePos?.[0];
  if (pos && typeof cause?.message === 'string') {
    const what = (cause.message.split('\n')[0] ?? '').replace(/\s+at line \d+, column \d+:?\s*$/, '').trim();
    return `invalid YAML at line ${pos.line}, column ${pos.col}: ${what}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, '');
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
