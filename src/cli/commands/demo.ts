import { join } from 'node:path';
import { buildRepoFromTrees, type BuiltRepo } from '../../git/build-repo.js';
import { vendorDirNames } from '../../languages/registry.js';
import { runGit } from '../../git/run-git.js';
import type { Report } from '../../report/types.js';
import type { Run, RunRequest } from '../../runs/types.js';
import { PACKAGE_ROOT } from '../../version.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args.js';
import { runLocally, type LocalRunOutput } from '../run-local.js';
import { progressModeFor, type ProgressMode } from '../progress.js';
import { terminalOptions } from '../report-output.js';
import { terminalWidth } from '../../report/render-terminal.js';
import { cutRight, paint, sanitizeInline, wrapText } from '../../report/terminal-text.js';
import type { ServicesOptions } from '../../wiring/create-services.js';
import { localRunSettings, parseFormat, type ReportFormat } from '../run-options.js';

/** The demo's pull request: base/ on `main`, head/ on `feature` (a small Python shop with a spec). */
export const DEMO_REPO_SOURCE = join(PACKAGE_ROOT, 'fixtures', 'repos', 'demo-shop');
/** The recorded model conversation the demo replays by default (test/demo/demo-transcript.test.ts keeps it current). */
export const DEMO_TRANSCRIPT = join(PACKAGE_ROOT, 'fixtures', 'demo', 'transcript.json');

const HELP = `Usage: tfactory demo [--keep] [--llm <provider>] [--format text|md|json]

  The whole pipeline on a small Python project, offline. A git repository is built in a temporary
  folder (main = the base, feature = a change that adds shipping rates, with its spec); TFactory
  plans tests from the spec's acceptance criteria, writes them, rejects a test that imports
  something that does not exist and asks again, proves the tests in the Docker sandbox (pass,
  stability, coverage of the changed lines, mutation probe, relevance judge), and commits the
  accepted ones on \`feature\`.

  By default the model's side is a recorded conversation (no API key, no network); git, the
  sandbox, the verdicts and the commit are real.

  --keep              keep the demo repository (its path is printed) instead of removing it
  --llm <provider>    a real model instead of the recording: anthropic (ANTHROPIC_API_KEY),
                      openai:<model> (OPENAI_BASE_URL, e.g. Ollama or vLLM), or replay:<file>
  --format <f>        text: the report sized to the terminal, then the commit (the default when
                      stdout is a terminal); md: the full markdown report, then the commit (the
                      default in a pipe or a file); json: one object
                      { succeeded, report, commit, repo, llm, runId }
  --no-progress       plain progress lines even on a terminal (the default when not a terminal)
  -q, --quiet         no progress at all: only the report and errors
  --verbose           plain progress lines and the run's logs (info level) on stderr

  Exit status 0 only when the run succeeded and at least one test was accepted and committed.
`;

export interface DemoCommit {
  sha: string;
  branch: string;
  message: string;
  /** Repo-relative paths the commit added or changed. */
  files: string[];
  /** `git show --stat` of the commit. */
  stat: string;
}

export interface DemoOutcome {
  succeeded: boolean;
  report: Report | null;
  commit: DemoCommit | null;
  repo: { path: string; kept: boolean; base: string; head: string };
  llm: string;
  runId: string | null;
}

function parse(argv: string[]) {
  return parseCommandArgs(argv, {
    keep: { type: 'boolean' }, llm: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    'no-progress': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, verbose: { type: 'boolean' },
  }, 'see `tfactory demo --help`').values;
}

/** The commit the run added on top of the head of the demo change, if any. */
async function readDemoCommit(repo: BuiltRepo): Promise<DemoCommit | null> {
  const git = (...args: string[]): Promise<string> => runGit(repo.dir, args).then((s) => s.trim());
  const tip = await git('rev-parse', `refs/heads/${repo.head}`);
  if (tip === repo.headSha) return null;
  const [message, author, files, diffstat] = await Promise.all([
    git('log', '-1', '--format=%B', tip),
    git('log', '-1', '--format=%an <%ae>', tip),
    git('diff-tree', '--no-commit-id', '--name-only', '-r', '--root', tip),
    git('show', '--stat', '--format=', tip),
  ]);
  // `git show --stat`, laid out by hand so the message is not padded with blank lines.
  const stat = [`commit ${tip}`, `Author: ${author}`, '', ...message.split('\n').map((l) => (l ? `    ${l}` : '')), '', ...diffstat.split('\n').map((l) => ` ${l.trim()}`)].join('\n');
  return { sha: tip, branch: repo.head, message, files: files.split('\n').filter(Boolean), stat };
}

function renderOutcome(o: DemoOutcome): string {
  const lines: string[] = ['', '---', '', '## The commit TFactory made', ''];
  if (o.commit) {
    lines.push(`On branch \`${o.commit.branch}\` of the demo repository:`, '', '```', o.commit.stat, '```');
  } else {
    lines.push('No commit was made: no test file had every one of its tests accepted, or the run did not finish.');
  }
  lines.push('', '## The demo repository', '');
  if (o.repo.kept) {
    lines.push(`Kept at ${o.repo.path}`, `(\`git -C ${o.repo.path} log --stat ${o.repo.base}..${o.repo.head}\` shows the change and the tests; remove the folder when done.)`);
  } else {
    lines.push(`Built at ${o.repo.path} and removed (run with --keep to keep it).`);
  }
  lines.push('', o.succeeded ? 'Demo succeeded: tests were written, proven in the sandbox and committed.' : 'Demo did not succeed: see the report and the messages above.', '');
  return lines.join('\n');
}

/** The outcome for a terminal, in a few lines: the commit (sha, subject, files), the repository, the verdict. */
export function renderOutcomeText(o: DemoOutcome, io: CliIo): string {
  const { width: asked, color } = terminalOptions(io);
  const width = terminalWidth(asked);
  const lines: string[] = [];
  if (o.commit) {
    const subject = sanitizeInline(o.commit.message.split('\n')[0] ?? '');
    lines.push(cutRight(`Committed ${o.commit.sha.slice(0, 12)} on ${o.commit.branch}: ${subject}`, width));
    lines.push(...wrapText(`${o.commit.files.length} file${o.commit.files.length === 1 ? '' : 's'}: ${o.commit.files.map(sanitizeInline).join(', ')}`, width, '  ', '  '));
  } else {
    lines.push(...wrapText('No commit was made: no test file had every one of its tests accepted, or the run did not finish.', width, '', '  '));
  }
  lines.push(...(o.repo.kept
    ? wrapText(`Repository kept at ${o.repo.path}: git -C ${o.repo.path} log --stat ${o.repo.base}..${o.repo.head}`, width, '', '  ')
    : wrapText(`Repository ${o.repo.path} removed (--keep keeps it).`, width, '', '  ')));
  lines.push(o.succeeded
    ? paint(cutRight('Demo succeeded: tests were written, proven in the sandbox and committed.', width), 'green', color)
    : paint(cutRight('Demo did not succeed: see the report and the messages above.', width), 'red', color));
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

export interface DemoOptions {
  format: ReportFormat;
  /** Keep the demo repository instead of removing it. */
  keep?: boolean;
  /** `--llm` value; default: replay of DEMO_TRANSCRIPT. */
  llm?: string;
  /** How the run is followed (`--quiet`, `--no-progress`, `--verbose`). */
  progress?: ProgressMode;
  verbose?: boolean;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parse(argv);
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  const { code } = await runDemo(io, {
    format: parseFormat(o.format, io.isTty), progress: progressModeFor(o, io),
    ...(o.keep ? { keep: true } : {}), ...(o.llm ? { llm: o.llm } : {}), ...(o.verbose ? { verbose: true } : {}),
  });
  return code;
}

/**
 * Builds the demo repository, runs the whole pipeline on it with `commit`, prints the report, the
 * commit and where the repository is. `services` lets tests swap stages (e.g. to record the model).
 */
export async function runDemo(io: CliIo, opts: DemoOptions, services: Partial<ServicesOptions> = {}): Promise<{ code: number; outcome: DemoOutcome }> {
  const llm = opts.llm ?? `replay:${DEMO_TRANSCRIPT}`;
  const recorded = opts.llm === undefined;
  const repo = await buildRepoFromTrees(DEMO_REPO_SOURCE, 'demo-shop', vendorDirNames());
  let kept = false;
  try {
    await runGit(repo.dir, ['checkout', '-q', repo.head]);
    io.stderr(`tfactory demo: ${repo.dir} (${repo.base} → ${repo.head}) · ${recorded ? 'recorded model' : `model ${llm}`}\n`);
    const request: RunRequest = {
      source: { kind: 'local', repoPath: repo.dir, baseRef: repo.base, headRef: repo.head },
      trigger: { kind: 'cli' },
      options: { commit: true },
      settings: localRunSettings(io, { llm }),
      idempotencyKey: `cli:demo:${Date.now()}:${Math.random().toString(36).slice(2)}`,
    };
    // The report is printed below, with the commit; runLocally's own stdout is captured for that.
    const captured: string[] = [];
    const shown: LocalRunOutput = opts.format === 'text' ? { format: 'text', hint: 'run the demo with --format md' } : { format: 'md' };
    const output: LocalRunOutput = { ...shown, ...(opts.progress ? { progress: opts.progress } : {}), ...(opts.verbose ? { verbose: true } : {}) };
    const { code, run: finished } = await runLocally({ ...io, stdout: (t) => captured.push(t) }, request, output, services);
    const commit = await readDemoCommit(repo);
    const report = finished?.report ?? null;
    const accepted = report?.summary.accepted ?? 0;
    const succeeded = code === 0 && finished?.status === 'succeeded' && accepted > 0 && commit !== null;
    kept = opts.keep === true;
    const outcome: DemoOutcome = {
      succeeded, report, commit, llm,
      repo: { path: repo.dir, kept, base: repo.base, head: repo.head },
      runId: finished?.id ?? null,
    };
    if (opts.format === 'json') io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (opts.format === 'text') io.stdout(`${captured.join('')}\n${renderOutcomeText(outcome, io)}`);
    else io.stdout(`${captured.join('')}${renderOutcome(outcome)}`);
    if (!succeeded) io.stderr(`tfactory demo: ${whyNot(finished, accepted, commit)}\n`);
    return { code: succeeded ? 0 : 1, outcome };
  } finally {
    if (!kept) await repo.cleanup();
  }
}

function whyNot(run: Run | undefined, accepted: number, commit: DemoCommit | null): string {
  if (!run) return 'the run did not finish';
  if (run.status !== 'succeeded') return `the run ${run.status}${run.error ? ` (${run.error.code}: ${run.error.message})` : ''}`;
  if (accepted === 0) return 'no test was accepted';
  if (!commit) return 'no commit was made';
  return 'unknown';
}
