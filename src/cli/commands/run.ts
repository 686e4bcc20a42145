import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, TfError } from '../../errors.js';
import type { RunRequest } from '../../runs/types.js';
import type { CliIo } from '../io.js';
import { runLocally } from '../run-local.js';
import { checkLocalRepo, checkRefs } from '../local-repo.js';
import { parseFormat } from './evaluate.js';

const HELP = `Usage: tfactory run --repo <dir> --base <ref> --head <ref> [options]

  The whole pipeline on a local checkout: find the spec, plan, write tests with the model,
  prove them in the sandbox, and report. Only committed history is read (base...head).

  --repo <dir>        the git repository (default: the current folder)
  --base <ref>        base of the change, e.g. main
  --head <ref>        head of the change (default: HEAD)
  --spec <id>         the spec to use (default: chosen as the README explains)
  --llm <provider>    anthropic | openai | replay:<file> (default: TFACTORY_LLM or anthropic)
  --commit            commit the accepted tests on the repository's current branch
  --max-tests <n>     at most n planned tests (default 30)
  --stability <n>     identical runs per test to detect flakiness (default 3)
  --no-mutation       skip the mutation probe (weaker verdicts)
  --format <md|json>  report format (default md)
  --out <file>        write the report there instead of printing it
`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        repo: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, spec: { type: 'string' },
        llm: { type: 'string' }, commit: { type: 'boolean' }, 'max-tests': { type: 'string' }, stability: { type: 'string' },
        'no-mutation': { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new TfError('USAGE', describeError(err), { hint: 'see `tfactory run --help`' });
  }
}

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new TfError('USAGE', `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parse(argv);
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!o.base) throw new TfError('USAGE', '--base is required', { hint: 'e.g. tfactory run --base main --head HEAD' });
  const format = parseFormat(o.format);
  const repo = await checkLocalRepo(resolve(io.cwd, o.repo ?? '.'));
  await checkRefs(repo, [o.base, o.head ?? 'HEAD']);
  const maxTests = wholeNumber('max-tests', o['max-tests'], 1, 30);
  const stability = wholeNumber('stability', o.stability, 1, 10);
  const request: RunRequest = {
    source: { kind: 'local', repoPath: repo, baseRef: o.base, headRef: o.head ?? 'HEAD' },
    trigger: { kind: 'cli' },
    options: {
      ...(o.commit ? { commit: true } : {}),
      ...(o.llm ? { llm: o.llm } : {}),
      ...(o.spec ? { specId: o.spec } : {}),
      ...(maxTests !== undefined ? { maxTests } : {}),
      evaluation: { ...(stability !== undefined ? { stabilityRuns: stability } : {}), ...(o['no-mutation'] ? { mutation: false } : {}) },
    },
    idempotencyKey: `cli:run:${Date.now()}:${Math.random().toString(36).slice(2)}`,
  };
  const { code } = await runLocally(io, request, { format, ...(o.out ? { out: o.out } : {}) });
  return code;
}
