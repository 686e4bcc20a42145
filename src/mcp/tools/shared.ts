import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../../errors.js';
import type { Run, RunService, RunSource } from '../../runs/types.js';
import type { Logger } from '../../logger.js';
import type { SettingsEnv } from '../../config/run-settings.js';

export interface McpDeps {
  runs: RunService;
  log: Logger;
  /** Resolves a GitHub PR into a run source (needs the App's credentials); absent when not configured. */
  resolvePullRequest?: (owner: string, repo: string, pullNumber: number) => Promise<Extract<RunSource, { kind: 'github' }>>;
  /** Renders a report as markdown. */
  renderMarkdown: (report: NonNullable<Run['report']>) => string;
  /** Checks that a local path is a git repository, throwing a TfError that says what is wrong. */
  checkLocalRepo: (path: string) => Promise<string>;
  /** The server's model settings (TFACTORY_LLM, TFACTORY_MODEL, OPENAI_BASE_URL); default Anthropic. */
  settingsEnv?: SettingsEnv;
  /** The run's dashboard page (TFACTORY_PUBLIC_URL), given to the caller to hand on. */
  runPageUrl?: (runId: string) => string | undefined;
}

export function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value as Record<string, unknown> };
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

export function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/** Runs a tool body; any thrown error becomes a tool error with a clear message (never a protocol error). */
export async function guarded(log: Logger, tool: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    log.warn({ tool, err: describeError(err) }, 'tool failed');
    return toolError(describeError(err));
  }
}

/** What a caller needs to follow a run, without the whole report; `url` is its dashboard page, where there is one. */
export function summariseRun(run: Run, url?: string): Record<string, unknown> {
  const current = run.stages.find((s) => s.status === 'running');
  return {
    id: run.id,
    status: run.status,
    source: run.request.source.kind === 'github'
      ? `${run.request.source.owner}/${run.request.source.repo}#${run.request.source.pullNumber}`
      : run.request.source.repoPath,
    currentStage: current?.name ?? null,
    progress: current?.progress ?? null,
    stages: run.stages.map((s) => ({ name: s.name, status: s.status, ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}), ...(s.error ? { error: s.error.message } : {}) })),
    ...(run.report ? { summary: run.report.summary } : {}),
    ...(run.error ? { error: run.error.message } : {}),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(url ? { url } : {}),
  };
}

export async function requireRun(runs: RunService, id: string): Promise<Run> {
  const run = await runs.get(id);
  if (!run) throw new Error(`No run with id '${id}'. Use list_runs to see the runs there are.`);
  return run;
}
