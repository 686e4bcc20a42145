#!/usr/bin/env node
// TFactory's TS/JS grader, run inside the node runner image (or directly on a host):
//   node evaluate.mjs --input <GraderInput.json|-> [--output /scratch/result.json]
//        [--workspace /workspace] [--deps /deps] [--work /tmp/tf-eval] [--base-work /tmp/tf-base]
//        [--io /tmp/tf-io] [--typescript <dir of the typescript package>]
//
// Why our own engine and not Stryker: Stryker 9 is not in the target project and the sandbox has
// no network, so it would have to be vendored with its runner plugins into every project's
// node_modules; and it reports mutants per mutant, not which test killed each one and HOW
// (assertion vs crash vs timeout), which is the signal TFactory grades a test by. This engine
// needs nothing but the project's own vitest/jest and TFactory's read-only typescript package:
// it instruments the changed files (line probes + mutant schemata switched by TFACTORY_MUTANT),
// runs the runner with a generated config, and attributes every verdict to one test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from './engine.mjs';
import { IN_CONTAINER, SCRATCH_DIR } from './guard.mjs';
import { configureWritable } from './writable.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2);
    out[k] = inline ?? argv[(i += 1)];
  }
  return out;
}

function loadTypeScript(flag, projectDir) {
  const tries = [flag, '/opt/tfactory/node_modules/typescript', join(projectDir, 'node_modules', 'typescript')].filter(Boolean);
  for (const dir of tries) {
    try {
      return createRequire(join(resolve(dir), 'package.json'))(resolve(dir));
    } catch {
      // next
    }
  }
  return createRequire(import.meta.url)('typescript');
}

function checkInput(input) {
  const missing = ['projectRoot', 'candidateFiles', 'suiteFiles', 'changedRanges', 'stabilityRuns', 'seed', 'perTestTimeoutMs', 'mutation', 'maxMutants']
    .filter((k) => input[k] === undefined);
  if (missing.length > 0) throw new Error(`input is missing ${missing.join(', ')}`);
}

export async function main(argv) {
  const args = parseArgs(argv);
  const output = args.output ?? '/scratch/result.json';
  // The grader's own tmpfs (/run/tfactory in the sandbox): a test that fills /tmp cannot starve the
  // event files. The runners' environment is this process's: the tests need not know where it is.
  const own = process.env.TFACTORY_GRADER_TMP;
  delete process.env.TFACTORY_GRADER_TMP;
  const graderTmp = own && existsSync(own) ? own : undefined;
  const paths = {
    workspace: resolve(args.workspace ?? '/workspace'),
    deps: resolve(args.deps ?? '/deps'),
    work: resolve(args.work ?? '/tmp/tf-eval'),
    base: resolve(args['base-work'] ?? '/tmp/tf-base'),
    io: resolve(args.io ?? join(graderTmp ?? '/tmp', 'tf-io')),
    support: join(HERE, 'support'),
    // The hallucination guard's folder (guard/check_imports.mjs), for GraderInput.guardFiles.
    guard: args.guard ? resolve(args.guard) : undefined,
  };
  // In the sandbox, every place a test can write is put back after each invocation (writable.mjs).
  if (IN_CONTAINER) {
    const home = process.env.HOME && process.env.HOME !== '/' ? [process.env.HOME] : [];
    configureWritable({
      roots: [...new Set(['/tmp', ...home, '/home/runner', '/dev/shm', SCRATCH_DIR, graderTmp].filter(Boolean))].filter((d) => existsSync(d)),
      copies: [paths.work, paths.base],
      own: graderTmp ? [graderTmp] : [],
    });
  }
  let result;
  try {
    const raw = !args.input || args.input === '-' ? readFileSync(0, 'utf8') : readFileSync(args.input, 'utf8');
    const input = JSON.parse(raw);
    checkInput(input);
    result = await evaluate(() => loadTypeScript(args.typescript, join(paths.workspace, input.projectRoot)), input, paths);
  } catch (e) {
    result = {
      tests: [], mutants: [], suiteCoveredChanged: {}, changedExecutable: {}, executions: 0, necessaryMs: 0,
      errors: [`grader crashed: ${e?.stack ?? e}`],
    };
  }
  mkdirSync(dirname(resolve(output)), { recursive: true });
  writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await main(process.argv.slice(2));
  process.exitCode = result.errors.some((e) => e.startsWith('grader crashed')) ? 2 : 0;
}
