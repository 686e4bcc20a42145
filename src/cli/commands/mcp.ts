import type { CliIo } from '../io.js';
import { createMcpServer } from '../../mcp/server.js';
import { serveStdio } from '../../mcp/stdio.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { createServices } from '../../wiring/create-services.js';
import { checkLocalRepo } from '../local-repo.js';
import { runPageUrl } from '../../dashboard/run-url.js';

const HELP = `Usage: tfactory mcp

  A Model Context Protocol server on stdio, over the same run store as the CLI
  (TFACTORY_DB). Tools: create_run, get_run_status, list_runs, get_report, rerun, cancel_run.
  With TFACTORY_PUBLIC_URL (e.g. http://127.0.0.1:3100 for tfactory serve), create_run and
  get_run_status also give the run's dashboard page as "url".
  Logs go to stderr only.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(HELP);
    return 0;
  }
  const services = createServices({ env: io.env, cwd: io.cwd, defaultDb: 'user-cache', logToStderr: true });
  await services.start();
  const server = createMcpServer({ runs: services.service, log: services.log, renderMarkdown, checkLocalRepo, settingsEnv: services.env, runPageUrl: (id) => runPageUrl(io.env.TFACTORY_PUBLIC_URL, id) });
  services.log.info('mcp server ready on stdio');
  await serveStdio(server);
  await services.close();
  return 0;
}
