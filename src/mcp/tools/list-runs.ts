import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, jsonResult, summariseRun, type McpDeps } from './shared.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'superseded', 'interrupted'] as const;

export function registerListRuns(server: McpServer, deps: McpDeps): void {
  server.registerTool('list_runs', {
    title: 'List runs',
    description: 'The most recent runs, newest first, optionally filtered by status.',
    inputSchema: { status: z.array(z.enum(STATUSES)).optional(), limit: z.number().int().min(1).max(100).optional() },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ status, limit }) => guarded(deps.log, 'list_runs', async () => {
    const runs = await deps.runs.list({ ...(status ? { status: [...status] } : {}), limit: limit ?? 20 });
    return jsonResult({ runs: runs.map((r) => summariseRun(r, deps.runPageUrl?.(r.id))) });
  }));
}
