import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, jsonResult, requireRun, summariseRun, type McpDeps } from './shared.js';

export function registerGetRunStatus(server: McpServer, deps: McpDeps): void {
  server.registerTool('get_run_status', {
    title: 'Status of a run',
    description: 'The status of a run: overall status, each stage with its timing, the current stage and its progress, the summary once finished, and `url`, the run\'s dashboard page, when the server has one (TFACTORY_PUBLIC_URL).',
    inputSchema: { runId: z.string().min(1) },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ runId }) => guarded(deps.log, 'get_run_status', async () => jsonResult(summariseRun(await requireRun(deps.runs, runId), deps.runPageUrl?.(runId)))));
}
