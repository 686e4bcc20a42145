import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { TfError } from '../../errors.js';
import { localRunSettings, OUTPUT_HELP, parseFormat, parseRunArgs, sharedRunFlags } from '../run-options.js';
import type { RunRequest } from '../../runs/types.js';
import type { CliIo } from '../io.js';
import { runLocally } from '../run-local.js';
import { progressModeFor } from '../progress.js';
import { checkLocalRepo, checkRefs } from '../local-repo.js';
import { expandTestArgs, spreadFlagValues, testPathCandidates } from '../test-paths.js';
import { readContained } from '../../files/contained.js';
import { MAX_TEST_FILE_BYTES as MAX_PROVIDED_BYTES } from '../../pipeline/stages/collect/collect.js';

const HELP = `Usage: tfactory evaluate --repo <dir> --base <ref> --head <ref> --tests <path>... [options]

  Grade existing test files (written by people or another tool) against the change base...head,
  with the same verdicts and report as generated tests. Every test function gets a verdict.

  --repo <dir>        the git repository (default: the current folder)
  --base <ref>        base of the change, e.g. main
  --head <ref>        head of the change (default: HEAD)
  --tests <path>...   test files to grade: several after one --tests, or --tests repeated, or a
                      quoted glob ("tests/test_*.py", "**/*.test.ts"). A relative path is looked up
                      from the current folder, then from the repository's root, and graded as it
                      is on disk (committed or not). A path inside the repo keeps its place; a
                      file from elsewhere goes into the project's test folder
  --spec <id>         the spec whose acceptance criteria the tests are checked against
  --no-llm            no model: skip the relevance judge
  --llm <provider>    anthropic | openai | replay:<file> (default: TFACTORY_LLM or anthropic)
  --json-mode <m>     how an OpenAI-compatible server is asked for JSON: json_schema (default),
                      json_object or none (TFACTORY_JSON_MODE, a repo config's jsonMode)
  --stability <n>     identical runs per test to detect flakiness (default 3)
  --no-mutation       skip the mutation probe (weaker verdicts)
${OUTPUT_HELP}`;

/**
 * A provided test: its repo-relative path, and its content as it is on disk (a file of the working
 * tree is graded as it is there, committed or not). A relative path is looked up from the current
 * folder, then from the repository's root; a path found on neither is read from the head commit.
 */
async function providedTest(repo: string, cwd: string, path: string): Promise<{ path: string; content?: string; external?: boolean }> {
  const abs = testPathCandidates(path, cwd, repo).find((p) => existsSync(p));
  if (abs) {
    const rel = relative(repo, abs);
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      // Inside the repository: never through a link the checkout holds (UNSAFE_PATH names it).
      const inRepo = rel.split(sep).join('/');
      const content = await readContained(repo, inRepo, MAX_PROVIDED_BYTES);
      if (content === undefined) throw new TfError('USAGE', `--tests ${path}: not a regular file of at most ${MAX_PROVIDED_BYTES / 1_000_000} MB`);
      return { path: inRepo, content };
    }
    return { path: basename(abs), content: await readFile(abs, 'utf8'), external: true };
  }
  return { path: path.split(sep).join('/') };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseRunArgs(spreadFlagValues(argv, '--tests'), { tests: { type: 'string', multiple: true }, 'no-llm': { type: 'boolean' } }, 'evaluate');
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!o.base) throw new TfError('USAGE', '--base is required', { hint: 'e.g. tfactory evaluate --base main --tests tests/test_x.py' });
  if (!o.tests || o.tests.length === 0) throw new TfError('USAGE', 'give at least one --tests <path>');
  const format = parseFormat(o.format, io.isTty);
  const repo = await checkLocalRepo(resolve(io.cwd, o.repo ?? '.'));
  await checkRefs(repo, [o.base, o.head ?? 'HEAD']);
  const settings = localRunSettings(io, { ...sharedRunFlags(o), ...(o['no-llm'] ? { noLlm: true } : {}) });
  const paths = await expandTestArgs(o.tests, io.cwd, repo);
  const provided = await Promise.all(paths.map((t) => providedTest(repo, io.cwd, t)));
  const request: RunRequest = {
    source: { kind: 'local', repoPath: repo, baseRef: o.base, headRef: o.head ?? 'HEAD' },
    trigger: { kind: 'cli' },
    options: { ...(o.spec ? { specId: o.spec } : {}), dryRun: true, provided },
    settings,
    idempotencyKey: `cli:evaluate:${Date.now()}:${Math.random().toString(36).slice(2)}`,
  };
  const { code } = await runLocally(io, request, { format, progress: progressModeFor(o, io), ...(o.verbose ? { verbose: true } : {}), ...(o.out ? { out: o.out } : {}) });
  return code;
}

