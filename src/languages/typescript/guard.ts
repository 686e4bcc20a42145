import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { SANDBOX_PATHS } from '../../sandbox/port.js';
import { guardBatchSchema, guardFindingsSchema, outcomesByPath, parseGuardOutput, type GuardOutcome } from '../guard-output.js';
import type { GuardDeps } from '../static-check-types.js';

/**
 * Runs guard/check_imports.mjs with `node` in the node runner image. TFactory's own `typescript`
 * package is mounted read-only; the script builds a Program for the test file (source on stdin)
 * and reports unresolved modules and names (see the script's header).
 */

const CONTAINER_DIR = `${SANDBOX_PATHS.tools}/guard/typescript`;
const CONTAINER_TS = `${SANDBOX_PATHS.tools}/node_modules/typescript`;

const outputSchema = guardFindingsSchema;
export type TsGuardOutput = z.infer<typeof outputSchema>;

export function tsGuardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'guard'), resolve(here, '..', '..', '..', 'src', 'languages', 'typescript', 'guard')];
  return candidates.find((d) => existsSync(join(d, 'check_imports.mjs'))) ?? (candidates[0] as string);
}

/** Host folder of the typescript package TFactory runs with. */
export function typescriptPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
}

/** The guard's container: the project read-only, the guard's folder and TFactory's typescript mounted, its time limit. */
function guardContainer(deps: GuardDeps) {
  return {
    image: deps.image,
    workspace: deps.workspace,
    mounts: [
      { hostPath: tsGuardDir(), containerPath: CONTAINER_DIR, readOnly: true },
      { hostPath: typescriptPackageDir(), containerPath: CONTAINER_TS, readOnly: true },
    ],
    labels: { 'tfactory.purpose': 'static-guard' },
    limits: { timeoutMs: deps.timeoutMs ?? 120_000 },
  };
}

export async function runTsGuard(testPath: string, content: string, deps: GuardDeps): Promise<GuardOutcome<TsGuardOutput>> {
  const project = posix.join(SANDBOX_PATHS.workspace, deps.projectRoot || '.');
  const result = await deps.sandbox.run(
    guardContainer(deps),
    {
      cmd: ['node', `${CONTAINER_DIR}/check_imports.mjs`, CONTAINER_TS, posix.join(SANDBOX_PATHS.workspace, testPath), project],
      stdin: content,
      env: { HOME: '/tmp', ...deps.env },
    },
    deps.signal,
  );
  return parseGuardOutput(result, outputSchema);
}

const batchSchema = guardBatchSchema(outputSchema);

/**
 * The guard of several test files in one `node` process (one Program per file, the parsed library
 * and project files shared): each file's outcome, by path. An infrastructure failure is every
 * file's outcome.
 */
export async function runTsGuardMany(files: Array<{ path: string; content: string }>, deps: GuardDeps): Promise<Map<string, GuardOutcome<TsGuardOutput>>> {
  // The grader's run of this guard (GraderResult.guard), when it answered for every file: the same
  // script on the same checkout, so its answer is this container's. Otherwise the container runs.
  const given = await deps.batch;
  if (given && 'files' in given) {
    const answered = outcomesByPath(files, { ok: true, value: given });
    if ([...answered.values()].every((o) => o.ok)) return answered;
  }
  const project = posix.join(SANDBOX_PATHS.workspace, deps.projectRoot || '.');
  const result = await deps.sandbox.run(
    guardContainer(deps),
    {
      cmd: ['node', `${CONTAINER_DIR}/check_imports.mjs`, '--batch', CONTAINER_TS, project],
      stdin: JSON.stringify({ files: files.map((f) => ({ path: posix.join(SANDBOX_PATHS.workspace, f.path), source: f.content })) }),
      env: { HOME: '/tmp', ...deps.env },
    },
    deps.signal,
  );
  return outcomesByPath(files, parseGuardOutput(result, batchSchema));
}
