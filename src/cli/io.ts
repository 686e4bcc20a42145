import { onStopSignals, type StopSignal } from './signals.js';

/** What a CLI command writes to and reads from; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is a terminal rather than a pipe or a file. */
  isTty: boolean;
  /** True when stderr, where progress goes, is a terminal (live display); default: isTty. */
  stderrIsTty?: boolean;
  /**
   * Calls `onFirst` on the first SIGINT/SIGTERM (a second one forces exit); returns the unsubscribe.
   * Without it a command installs no handler (tests).
   */
  onStopSignal?: (onFirst: (signal: StopSignal) => void) => () => void;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    onStopSignal: (onFirst) => onStopSignals(onFirst),
  };
}

/** A command: parses its own argv (node:util parseArgs) and returns the exit code. */
export type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRunner>;
}
