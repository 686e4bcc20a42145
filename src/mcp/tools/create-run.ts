import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { DEFAULT_SETTINGS_ENV, resolveRunSettings } from '../../config/run-settings.js';
import { guarded, jsonResult, summariseRun, toolError, type McpDeps } from './shared.js';

const inputSchema = {
  github: z.object({
    owner: z.string().min(1),
    repo: z.string().min(1),
    pullNumber: z.number().int().positive(),
  }).optional().describe('A GitHub pull request (needs the GitHub App configured)'),
  local: z.object({
    repoPath: z.string().min(1).describe('Absolute path of a local git checkout'),
    base: z.string().min(1).describe('Base ref or SHA, e.g. main'),
    head: z.string().min(1).describe('Head ref or SHA, e.g. HEAD or a branch'),
  }).optional().describe('A local repository'),
  spec: z.string().optional().describe('Spec id to use (otherwise chosen automatically)'),
  dryRun: z.boolean().optional().describe('Stop before publishing (no commit, no comment)'),
  llm: z.string().optional().describe('anthropic | openai | replay:<transcript file>'),
};

export function registerCreateRun(server: McpServer, deps: McpDeps): void {
  server.registerTool('create_run', {
    title: 'Start a TFactory run',
    description: 'Start a run that plans, writes and proves tests for a GitHub pull request or a local repository (base...head). Returns the run id; follow it with get_run_status and read it with get_report.',
    inputSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, async (args) => guarded(deps.log, 'create_run', async () => {
    if ((args.github ? 1 : 0) + (args.local ? 1 : 0) !== 1) return toolError('Give exactly one of `github` (owner, repo, pullNumber) or `local` (repoPath, base, head).');
    let source;
    if (args.github) {
      if (!deps.resolvePullRequest) return toolError('GitHub runs need the GitHub App configured (APP_ID and PRIVATE_KEY). Use `local` for a checkout on this machine.');
      source = await deps.resolvePullRequest(args.github.owner, args.github.repo, args.github.pullNumber);
    } else if (args.local) {
      const repoPath = await deps.checkLocalRepo(args.local.repoPath);
      source = { kind: 'local' as const, repoPath, baseRef: args.local.base, headRef: args.local.head };
    } else {
      return toolError('unreachable');
    }
    const { run } = await deps.runs.submit({
      source,
      trigger: { kind: 'mcp' },
      options: {
        ...(args.spec ? { specId: args.spec } : {}),
        ...(args.dryRun !== undefined ? { dryRun: args.dryRun } : {}),
      },
      settings: resolveRunSettings({ flags: args.llm ? { llm: args.llm } : {}, env: deps.settingsEnv ?? DEFAULT_SETTINGS_ENV }),
      idempotencyKey: `mcp:${randomUUID()}`,
    });
    return jsonResult(summariseRun(run, deps.runPageUrl?.(run.id)));
  }));
}
