import { resolve } from 'node:path';
import { TfError } from '../../errors.js';
import type { RunRequest } from '../../runs/types.js';
import type { CliIo } from '../io.js';
import { resumeLocally, runLocally } from '../run-local.js';
import { progressModeFor } from '../progress.js';
import { checkLocalRepo, checkRefs } from '../local-repo.js';
import { localRunSettings, OUTPUT_HELP, parseFormat, parseRunArgs, sharedRunFlags, wholeNumber } from '../run-options.js';
import { DEFAULT_MAX_TESTS, MAX_TESTS_LIMIT, type RunSettings } from '../../config/run-settings.js';

const HELP = `Usage: tfactory run --repo <dir> --base <ref> --head <ref> [options]
       tfactory run --resume <run id> [output options]

  The whole pipeline on a local checkout: find the spec, plan, write tests with the model,
  prove them in the sandbox, and report. Only committed history is read (base...head).

  --repo <dir>        the git repository (default: the current folder)
  --base <ref>        base of the change, e.g. main
  --head <ref>        head of the change (default: HEAD)
  --spec <id>         the spec to use (default: chosen as the README explains)
  --llm <provider>    anthropic | openai | replay:<file> (default: TFACTORY_LLM or anthropic)
  --json-mode <m>     how an OpenAI-compatible server is asked for JSON: json_schema (default),
                      json_object or none (TFACTORY_JSON_MODE, a repo config's jsonMode)
  --commit            commit the accepted tests on the repository's current branch
  --max-tests <n>     at most n planned tests (1 to ${MAX_TESTS_LIMIT}, default ${DEFAULT_MAX_TESTS})
  --stability <n>     identical runs per test to detect flakiness (default 3)
  --no-mutation       skip the mutation probe (weaker verdicts)
  --resume <run id>   carry on a run that was interrupted (Ctrl-C, SIGTERM, or its process died),
                      from the stage it was in, with the settings it was started with

  A command carries out its own run only. The first Ctrl-C (or SIGTERM) stops the run's containers
  and marks it interrupted (exit 130, or 143); a second one exits at once.
${OUTPUT_HELP}`;

/** `tfactory run`'s arguments (a parse error is a USAGE error). */
export function parseRunCommandArgs(argv: string[]) {
  return parseRunArgs(argv, { commit: { type: 'boolean' }, 'max-tests': { type: 'string' }, resume: { type: 'string' } }, 'run');
}

/** The settings a `tfactory run` resolves from its flags and the environment, once, before it submits. */
export function runCommandSettings(o: ReturnType<typeof parseRunCommandArgs>, io: CliIo): RunSettings {
  const maxTests = wholeNumber('max-tests', o['max-tests'], 1, MAX_TESTS_LIMIT);
  return localRunSettings(io, { ...sharedRunFlags(o), ...(maxTests !== undefined ? { maxTests } : {}) });
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseRunCommandArgs(argv);
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  const format = parseFormat(o.format, io.isTty);
  const output = { format, progress: progressModeFor(o, io), ...(o.verbose ? { verbose: true } : {}), ...(o.out ? { out: o.out } : {}) };
  if (o.resume !== undefined) {
    const changes = (['repo', 'base', 'head', 'spec', 'llm', 'stability', 'no-mutation', 'commit', 'max-tests'] as const).filter((k) => o[k] !== undefined);
    if (changes.length > 0) throw new TfError('USAGE', `--resume carries on a run with its own settings: --${changes.join(', --')} cannot be given with it`);
    return (await resumeLocally(io, o.resume, output)).code;
  }
  if (!o.base) throw new TfError('USAGE', '--base is required', { hint: 'e.g. tfactory run --base main --head HEAD' });
  const repo = await checkLocalRepo(resolve(io.cwd, o.repo ?? '.'));
  await checkRefs(repo, [o.base, o.head ?? 'HEAD']);
  const request: RunRequest = {
    source: { kind: 'local', repoPath: repo, baseRef: o.base, headRef: o.head ?? 'HEAD' },
    trigger: { kind: 'cli' },
    options: { ...(o.spec ? { specId: o.spec } : {}), ...(o.commit ? { commit: true } : {}) },
    settings: runCommandSettings(o, io),
    idempotencyKey: `cli:run:${Date.now()}:${Math.random().toString(36).slice(2)}`,
  };
  const { code } = await runLocally(io, request, output);
  return code;
}
