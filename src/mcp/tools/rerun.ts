import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, jsonResult, requireRun, summariseRun, type McpDeps } from './shared.js';

export function registerRerun(server: McpServer, deps: McpDeps): void {
  server.registerTool('rerun', {
    title: 'Run again',
    description: 'Start a new run with the same source and options as an earlier one (a newer run of the same PR supersedes older ones).',
    inputSchema: { runId: z.string().min(1) },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, async ({ runId }) => guarded(deps.log, 'rerun', async () => {
    await requireRun(deps.runs, runId);
    return jsonResult(summariseRun(await deps.runs.rerun(runId, { kind: 'mcp' })));
  }));
}
