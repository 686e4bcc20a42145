/**
 * `/tfactory …` commands in PR comments. Pure: text in, command out.
 * A command stands on its own line, anywhere in the comment; lines inside fenced code blocks and
 * quoted lines (`> …`, e.g. a reply quoting an earlier command) are not commands.
 */

export type Command =
  | { kind: 'run'; specId?: string }
  | { kind: 'status' }
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'unknown'; text: string; problem: string };

const COMMAND_LINE = /^\/tfactory(?:\s+(.*))?$/i;
const FENCE = /^(`{3,}|~{3,})/;

/** The first command in a comment, or null when there is none. */
export function parseCommand(body: string): Command | null {
  let fence: string | null = null;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1] ?? '';
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null || line.startsWith('>')) continue;
    const match = COMMAND_LINE.exec(line);
    if (match) return interpretCommand(line, match[1] ?? '');
  }
  return null;
}

function interpretCommand(line: string, rest: string): Command {
  const tokens = tokenizeArgs(rest);
  if (!tokens.ok) return { kind: 'unknown', text: line, problem: tokens.problem };
  const [verb, ...args] = tokens.args;
  const name = (verb ?? 'help').toLowerCase();
  switch (name) {
    case 'run':
      return interpretRun(line, args);
    case 'status':
    case 'cancel':
    case 'help':
      return args.length === 0 ? { kind: name } : { kind: 'unknown', text: line, problem: `\`${name}\` takes no arguments` };
    default:
      return { kind: 'unknown', text: line, problem: `unknown command \`${verb ?? ''}\`` };
  }
}

function interpretRun(line: string, args: string[]): Command {
  let specId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const inline = /^--spec=(.*)$/i.exec(arg);
    if (inline) {
      specId = inline[1] ?? '';
    } else if (arg.toLowerCase() === '--spec') {
      specId = args[i + 1];
      i++;
    } else {
      return { kind: 'unknown', text: line, problem: `unexpected argument \`${arg}\`` };
    }
    if (specId === undefined || specId.trim() === '') return { kind: 'unknown', text: line, problem: '`--spec` needs a spec id' };
  }
  return specId === undefined ? { kind: 'run' } : { kind: 'run', specId: specId.trim() };
}

/** Splits on whitespace, honouring "double" and 'single' quotes and backslash escapes inside double quotes. */
export function tokenizeArgs(text: string): { ok: true; args: string[] } | { ok: false; problem: string } {
  const args: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote !== null) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i] ?? '';
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) args.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote !== null) return { ok: false, problem: 'unclosed quote' };
  if (inToken) args.push(current);
  return { ok: true, args };
}

/** The help comment: what a person can type. */
export function renderHelp(label: string, problem?: string): string {
  const intro = problem ? `I did not understand that command (${problem}).\n\n` : '';
  return [
    `${intro}**TFactory** writes tests for this pull request and proves they would catch a real bug in the changed code.`,
    '',
    '| Command | What it does |',
    '| --- | --- |',
    '| `/tfactory run` | Start a run on the PR head (cancels an older run of this PR). |',
    '| `/tfactory run --spec <id>` | Start a run against a given spec (e.g. `--spec "042-discounts"`). |',
    '| `/tfactory status` | Show the state of the latest run. |',
    '| `/tfactory cancel` | Cancel the run in progress. |',
    '| `/tfactory help` | Show this help. |',
    '',
    `Adding the \`${label}\` label starts a run too. Commands need write access to the repository.`,
  ].join('\n');
}
