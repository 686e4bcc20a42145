import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TFACTORY_VERSION } from '../version.js';
import type { McpDeps } from './tools/shared.js';
import { registerCreateRun } from './tools/create-run.js';
import { registerGetRunStatus } from './tools/get-run-status.js';
import { registerListRuns } from './tools/list-runs.js';
import { registerGetReport } from './tools/get-report.js';
import { registerRerun } from './tools/rerun.js';
import { registerCancelRun } from './tools/cancel-run.js';

export type { McpDeps };

/** The MCP server over the run store: one file per tool under ./tools. */
export function createMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer({ name: 'tfactory', version: TFACTORY_VERSION }, {
    instructions: 'TFactory writes and proves tests for a change. Start with create_run, poll get_run_status until the status is succeeded or failed, then get_report.',
  });
  registerCreateRun(server, deps);
  registerGetRunStatus(server, deps);
  registerListRuns(server, deps);
  registerGetReport(server, deps);
  registerRerun(server, deps);
  registerCancelRun(server, deps);
  return server;
}
