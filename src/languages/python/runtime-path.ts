import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../version.js';

/** Container path where the Python runtime folder is mounted read-only. */
export const PYTHON_RUNTIME_MOUNT = '/opt/tfactory/python';

/** The grader's entry script, relative to the runtime folder. */
export const PYTHON_GRADER_SCRIPT = 'tfactory_grader.py';

/**
 * Host path of the Python evaluation runtime (plain .py files, shipped as-is). Resolved from the
 * package root, so it is the same whether this module runs from src/ (vitest) or dist/ (built).
 */
export function pythonRuntimeDir(): string {
  return join(PACKAGE_ROOT, 'src', 'languages', 'python', 'runtime');
}

/**
 * argv to run the grader inside the runner image, with the runtime mounted at PYTHON_RUNTIME_MOUNT:
 * the whole grading, or part `part.index` of `part.count` (raw findings; part 0 given `merge`, the
 * other parts' files, merges them as they appear).
 */
export function pythonGraderCommand(inputPath: string, outputPath = '/scratch/result.json', extra?: { part: { index: number; count: number }; merge?: string[] }): string[] {
  const argv = ['python3', `${PYTHON_RUNTIME_MOUNT}/${PYTHON_GRADER_SCRIPT}`, inputPath, outputPath];
  if (extra) argv.push('--part', `${extra.part.index}/${extra.part.count}`, ...(extra.merge ? ['--merge', ...extra.merge] : []));
  return argv;
}
