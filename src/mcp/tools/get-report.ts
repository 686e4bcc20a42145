import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, jsonResult, requireRun, textResult, toolError, type McpDeps } from './shared.js';

export function registerGetReport(server: McpServer, deps: McpDeps): void {
  server.registerTool('get_report', {
    title: 'Report of a run',
    description: 'The report of a finished run: verdicts per test with reasons, the acceptance-criteria ledger, usage and cost. Markdown by default, or the report.json model.',
    inputSchema: { runId: z.string().min(1), format: z.enum(['markdown', 'json']).optional() },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ runId, format }) => guarded(deps.log, 'get_report', async () => {
    const run = await requireRun(deps.runs, runId);
    if (!run.report) {
      const why = run.error ? ` It ended with an error: ${run.error.message}` : ` It is ${run.status}.`;
      return toolError(`Run ${runId} has no report yet.${why}`);
    }
    return format === 'json' ? jsonResult(run.report) : textResult(deps.renderMarkdown(run.report));
  }));
}
