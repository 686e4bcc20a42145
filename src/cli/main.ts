import { describeError, isTfError } from '../errors.js';
import { processIo, type CliIo, type CommandEntry } from './io.js';

/**
 * The `tfactory` command. Each command lives in ./commands/<name>.ts and exports `run`;
 * this file only routes (DESIGN.md, habit 1). Add a command with one line below.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  // COMMANDS-START (one line per command)
  doctor: { summary: 'check the Docker engine, runner images, Node and LLM credentials', load: async () => (await import('./commands/doctor.js')).run },
  images: { summary: 'build, list or smoke-test the sandbox runner images', load: async () => (await import('./commands/images.js')).run },
  spec: { summary: 'show the spec a run would use: its acceptance criteria and plan', load: async () => (await import('./commands/spec.js')).run },
  run: { summary: 'run the whole pipeline on a local checkout (base...head) and report', load: async () => (await import('./commands/run.js')).run },
  evaluate: { summary: 'grade existing test files against a change, with the same verdicts', load: async () => (await import('./commands/evaluate.js')).run },
  mcp: { summary: 'serve the MCP tools on stdio (create_run, get_run_status, get_report, …)', load: async () => (await import('./commands/mcp.js')).run },
  serve: { summary: 'the run dashboard in a browser: every run, live, over the local run database', load: async () => (await import('./commands/serve.js')).run },
  demo: { summary: 'the whole pipeline offline on a sample project: tests written, proven and committed', load: async () => (await import('./commands/demo.js')).run },
  worker: { summary: 'carry out queued runs (REDIS_URL) until SIGTERM; --status shows the queue and its dead letters', load: async () => (await import('./commands/worker.js')).run },
  // COMMANDS-END
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length), 8);
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: tfactory <command> [options]', '', 'Commands:', ...lines, '', 'Run `tfactory <command> --help` for a command\'s options.', ''].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { TFACTORY_VERSION } = await import('../version.js');
    io.stdout(`${TFACTORY_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`tfactory: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const run = await entry.load();
    return await run(rest, io);
  } catch (err) {
    io.stderr(formatCliError(name, err));
    return isTfError(err, 'USAGE') ? 2 : 1;
  }
}

/**
 * How a command's failure reads: its code (see the README's error table), one line of message,
 * and the fix on the next line. A usage error needs no code; an unexpected one says so.
 */
export function formatCliError(command: string, err: unknown): string {
  if (!isTfError(err)) return `tfactory ${command}: INTERNAL: ${describeError(err).split('\n')[0] ?? ''}\n  fix: this is a bug in TFactory; run again with LOG_LEVEL=debug and report the output\n`;
  const [first = '', ...rest] = err.message.split('\n');
  const code = err.code === 'USAGE' ? '' : `${err.code}: `;
  const more = rest.filter((l) => l.trim() !== '').map((l) => `  ${l.trim()}\n`).join('');
  return `tfactory ${command}: ${code}${first}\n${more}${err.hint ? `  fix: ${err.hint}\n` : ''}`;
}
