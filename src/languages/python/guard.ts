import { existsSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SANDBOX_PATHS } from '../../sandbox/port.js';
import { guardBatchSchema, guardItemSchema, outcomesByPath, parseGuardOutput, type GuardOutcome } from '../guard-output.js';
import type { GuardDeps } from '../static-check-types.js';

/**
 * Runs guard/resolve_imports.py with `python3` in the python runner image: Python's own `ast`
 * discovers the test functions and the script checks every import and project attribute the test
 * uses (see the script's docstring). One container, one command; the test source goes on stdin,
 * so the candidate need not be written into the checkout first.
 */

const CONTAINER_DIR = `${SANDBOX_PATHS.tools}/guard/python`;

const outputSchema = z.object({
  syntaxError: z.object({ message: z.string(), line: z.number() }).nullable(),
  tests: z.array(z.object({ name: z.string(), line: z.number(), endLine: z.number() })),
  hallucinated: z.array(guardItemSchema),
  unknown: z.array(guardItemSchema),
});

export type PythonGuardOutput = z.infer<typeof outputSchema>;

/** Host folder holding resolve_imports.py (next to this module in src/, or src/ seen from dist/). */
export function pythonGuardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'guard'), resolve(here, '..', '..', '..', 'src', 'languages', 'python', 'guard')];
  return candidates.find((d) => existsSync(join(d, 'resolve_imports.py'))) ?? (candidates[0] as string);
}

/** sys.path roots for the test: project folder, its src/ (src layout), the test's own folder. */
export function pythonRoots(testPath: string, projectRoot: string): string[] {
  const project = posix.join(SANDBOX_PATHS.workspace, projectRoot || '.');
  return [...new Set([project, posix.join(project, 'src'), posix.dirname(posix.join(SANDBOX_PATHS.workspace, testPath)), SANDBOX_PATHS.workspace])];
}

/** The guard's container: the project read-only, the guard's folder mounted, its time limit. */
function guardContainer(deps: GuardDeps) {
  return {
    image: deps.image,
    workspace: deps.workspace,
    mounts: [{ hostPath: pythonGuardDir(), containerPath: CONTAINER_DIR, readOnly: true }],
    labels: { 'tfactory.purpose': 'static-guard' },
    limits: { timeoutMs: deps.timeoutMs ?? 120_000 },
  };
}

const guardEnv = (deps: GuardDeps): Record<string, string> => ({ PYTHONDONTWRITEBYTECODE: '1', HOME: '/tmp', ...deps.env });
const importTimeoutArgs = (deps: GuardDeps): string[] => ['--timeout', String(Math.max(1, Math.round((deps.importTimeoutMs ?? 10_000) / 1000)))];

export async function runPythonGuard(testPath: string, content: string, deps: GuardDeps): Promise<GuardOutcome<PythonGuardOutput>> {
  const roots = pythonRoots(testPath, deps.projectRoot ?? '');
  const cmd = [
    'python3', `${CONTAINER_DIR}/resolve_imports.py`,
    '--path', posix.join(SANDBOX_PATHS.workspace, testPath),
    ...roots.flatMap((r) => ['--root', r]),
    ...importTimeoutArgs(deps),
  ];
  const result = await deps.sandbox.run(
    guardContainer(deps),
    { cmd, stdin: content, env: guardEnv(deps) },
    deps.signal,
  );
  return parseGuardOutput(result, outputSchema);
}

const batchSchema = guardBatchSchema(outputSchema);

/**
 * The guard of several test files in one `python3` process: each project module is imported once
 * (in its own child, as for one file) for all the files that use it. Each file's outcome, by path;
 * an infrastructure failure is every file's outcome.
 */
export async function runPythonGuardMany(files: Array<{ path: string; content: string }>, deps: GuardDeps): Promise<Map<string, GuardOutcome<PythonGuardOutput>>> {
  const cmd = [
    'python3', `${CONTAINER_DIR}/resolve_imports.py`, '--batch',
    ...importTimeoutArgs(deps),
  ];
  const stdin = JSON.stringify({
    files: files.map((f) => ({ path: posix.join(SANDBOX_PATHS.workspace, f.path), source: f.content, roots: pythonRoots(f.path, deps.projectRoot ?? '') })),
  });
  const result = await deps.sandbox.run(
    guardContainer(deps),
    { cmd, stdin, env: guardEnv(deps) },
    deps.signal,
  );
  return outcomesByPath(files, parseGuardOutput(result, batchSchema));
}
