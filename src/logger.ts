import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line (DESIGN.md: secrets never in logs). */
export const REDACT_PATHS = [
  'token', '*.token', 'apiKey', '*.apiKey', 'privateKey', '*.privateKey', 'authorization', '*.authorization',
  'headers.authorization', 'password', '*.password', 'webhookSecret', '*.webhookSecret', 'secret', '*.secret', 'env', '*.env',
];

export interface LoggerOptions {
  level?: string;
  /** MCP stdio mode must log to stderr only. */
  stderr?: boolean;
}

/** The root logger. Children are made per run or per delivery with `logger.child({ runId })`. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const dest = pino.destination({ fd: opts.stderr ? 2 : 1, sync: true });
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
}

/** A logger that drops everything: for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
