import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, jsonResult, requireRun, summariseRun, toolError, type McpDeps } from './shared.js';

export function registerCancelRun(server: McpServer, deps: McpDeps): void {
  server.registerTool('cancel_run', {
    title: 'Cancel a run',
    description: 'Cancel a queued or running run; a running sandbox container is stopped. Finished runs are left as they are.',
    inputSchema: { runId: z.string().min(1), reason: z.string().max(200).optional() },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  }, async ({ runId, reason }) => guarded(deps.log, 'cancel_run', async () => {
    const before = await requireRun(deps.runs, runId);
    if (!['queued', 'running'].includes(before.status)) return toolError(`Run ${runId} is already ${before.status}; there is nothing to cancel.`);
    const after = await deps.runs.cancel(runId, reason ?? 'cancelled through MCP');
    return jsonResult(summariseRun(after ?? before));
  }));
}
