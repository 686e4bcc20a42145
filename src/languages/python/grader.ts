import { availableParallelism } from 'node:os';
import type { Grader } from '../port.js';
import { SANDBOX_PATHS } from '../../sandbox/port.js';
import { installFromLockfile } from '../prepare-packages.js';
import { PYTHON_RUNTIME_MOUNT, pythonGraderCommand, pythonRuntimeDir } from './runtime-path.js';

/**
 * The Python grader: tfactory_grader.py in the python runner image runs pytest (unittest
 * TestCases are collected by pytest too) with per-test coverage, stability reruns and mutants.
 * Dependencies come from the lockfile through pip; a project without one runs on the image's.
 */
export const pythonGrader: Grader = {
  runner: 'python',
  command: (paths) => pythonGraderCommand(paths.input, paths.result),
  mounts: () => [{ hostPath: pythonRuntimeDir(), containerPath: PYTHON_RUNTIME_MOUNT, readOnly: true }],
  // TFACTORY_GRADER_TMP: the grader's job/output/temp files go to its own tmpfs, not the tests' /tmp.
  // TFACTORY_KILL_SCOPE=container: every new process in the container after a test is the test's
  // (forkrun.py kills it); without it (the grader run on a host) only the test's descendants are.
  env: (seed) => ({ PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: String(seed), TFACTORY_GRADER_TMP: SANDBOX_PATHS.graderTmp, TFACTORY_KILL_SCOPE: 'container' }),
  prepareDependencies: async (req) => (req.profile.lockfile ? installFromLockfile(req, 'pip', req.profile.lockfile) : undefined),
  // The grader runs its tests one at a time (the hygiene between tests owns the container: its
  // processes, /tmp, /scratch), so a second core would idle. Two parts, each in its own container,
  // share the mutants; part 0 runs the stability reruns, part 1 the base session; both run head
  // (tfactory_grader.py). Without mutation there is too little to share for a second container.
  parts: {
    count: (input) => (input.mutation && input.candidateFiles.length > 0 ? Math.min(2, availableParallelism()) : 1),
    part: (paths, index, count, others) => pythonGraderCommand(paths.input, paths.result, { part: { index, count }, ...(others ? { merge: others } : {}) }),
  },
};
