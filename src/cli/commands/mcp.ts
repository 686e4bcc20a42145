import type { CliIo } from '../io.js';
import { createMcpServer } from '../../mcp/server.js';
import { serveStdio } from '../../mcp/stdio.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { createRuntime } from '../../wiring/create-runtime.js';
import { checkLocalRepo } from '../local-repo.js';

const HELP = `Usage: tfactory mcp

  A Model Context Protocol server on stdio, over the same run store as the CLI
  (TFACTORY_DB). Tools: create_run, get_run_status, list_runs, get_report, rerun, cancel_run.
  Logs go to stderr only.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(HELP);
    return 0;
  }
  const runtime = createRuntime({ env: io.env, cwd: io.cwd, defaultDb: 'user-cache', logToStderr: true });
  await runtime.start();
  const server = createMcpServer({ runs: runtime.service, log: runtime.log, renderMarkdown, checkLocalRepo, settingsEnv: runtime.env });
  runtime.log.info('mcp server ready on stdio');
  await serveStdio(server);
  await runtime.close();
  return 0;
}
