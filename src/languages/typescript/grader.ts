import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, posix } from 'node:path';
import { TfError } from '../../errors.js';
import { SANDBOX_PATHS, type ExtraMount } from '../../sandbox/port.js';
import { PACKAGE_ROOT } from '../../version.js';
import type { Grader } from '../port.js';
import { installFromLockfile, projectRootOf } from '../prepare-packages.js';
import { tsRuntimeDir } from './runtime-path.js';
import { tsGuardDir } from './guard.js';

/** Whether the package.json at `path` declares any dependency (unreadable counts as yes: let the install say why). */
function declaresDependencies(path: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) => Object.keys((pkg[k] as object | undefined) ?? {}).length > 0);
  } catch {
    return true;
  }
}

/**
 * A local checkout's installed packages on the project's path (its own node_modules, then a
 * workspace's hoisted ones above it), mounted where prepared dependencies go: /deps mirrors the
 * repository's layout, and the grader links each at its folder in its working copy.
 */
function localNodeModules(repo: string, root: string): ExtraMount[] {
  const out: ExtraMount[] = [];
  for (let rel = root; ; rel = posix.dirname(rel) === '.' ? '' : posix.dirname(rel)) {
    const local = join(repo, rel, 'node_modules');
    if (existsSync(local)) out.push({ hostPath: realpathSync(local), containerPath: posix.join(SANDBOX_PATHS.packages, rel, 'node_modules'), readOnly: true });
    if (rel === '') return out;
  }
}

/** Where the grader's folder and TFactory's own `typescript` package are mounted. */
const TS_RUNTIME_DIR = `${SANDBOX_PATHS.tools}/ts-runtime`;
const TS_PACKAGE_DIR = `${SANDBOX_PATHS.tools}/node_modules/typescript`;
/** The hallucination guard's script (guard/check_imports.mjs), where the guard's own container has it too. */
const TS_GUARD_DIR = `${SANDBOX_PATHS.tools}/guard/typescript`;

/**
 * Every Node process in the grader's container (the grader, the runners' main processes, the warm
 * vitest, every worker) inherits NODE_OPTIONS. A SIGUSR1 from any process of the same user makes
 * Node open its inspector on 127.0.0.1:9229, and the container's loopback is reachable: a test
 * could attach to the grader or the vitest main process and rewrite what they record. The inspector
 * is bound to an address no container has (TEST-NET-1, RFC 5737): the signal then fails to open
 * anything ("Starting inspector on 192.0.2.1:9229 failed"), and the process carries on. (The runner
 * image's Node 22 also knows `--disable-sigusr1`, from 22.14; a Node before it refuses to start with
 * that flag in NODE_OPTIONS, so an image built with an older NODE_VERSION would run nothing. The
 * address works on every version.)
 */
export const NO_INSPECTOR = '--inspect-port=192.0.2.1:9229';

/**
 * The TS/JS grader: evaluate.mjs in the node runner image, with one runner adapter per framework
 * (runtime/runners/vitest.mjs, jest.mjs, picked by runners/select.mjs from the project's own install).
 * Dependencies: a local run reuses the checkout's node_modules (read-only), as a developer's
 * checkout already has them; otherwise npm installs from the lockfile; a project with neither
 * cannot start its test runner, which is an infrastructure error, not a verdict on the tests.
 */
export const tsGrader: Grader = {
  runner: 'node',
  settlesFiles: true,
  // The engine runs the hallucination guard of GraderInput.guardFiles with the typescript it has
  // loaded, before any test runs (runtime/engine.mjs): the static checks' guard needs no container.
  guards: true,
  command: (paths) => ['node', `${TS_RUNTIME_DIR}/evaluate.mjs`, '--input', paths.input, '--output', paths.result, '--workspace', SANDBOX_PATHS.workspace, '--deps', SANDBOX_PATHS.packages, '--guard', TS_GUARD_DIR],
  mounts: () => [
    { hostPath: tsRuntimeDir(), containerPath: TS_RUNTIME_DIR, readOnly: true },
    { hostPath: join(PACKAGE_ROOT, 'node_modules', 'typescript'), containerPath: TS_PACKAGE_DIR, readOnly: true },
    { hostPath: tsGuardDir(), containerPath: TS_GUARD_DIR, readOnly: true },
  ],
  // TFACTORY_KILL_SCOPE: inside the container every process the grader did not start is a test's
  // (runtime/guard.mjs kills what a test leaves running); TFACTORY_GRADER_TMP: the grader's own tmpfs.
  // Two: the warm vitest (runtime/runners/vitest-warm.mjs) runs a mutant's covering test files in
  // two fresh workers side by side (never more than the machine has).
  cpus: () => Math.min(2, availableParallelism()),
  env: () => ({ NODE_OPTIONS: `--max-old-space-size=768 ${NO_INSPECTOR}`, TFACTORY_GRADER_TMP: SANDBOX_PATHS.graderTmp, TFACTORY_KILL_SCOPE: 'container' }),
  prepareDependencies: async (req) => {
    const root = projectRootOf(req);
    if (req.localRepoPath !== undefined) {
      const reused = localNodeModules(req.localRepoPath, root);
      if (reused.length > 0) {
        req.log.info({ paths: reused.map((m) => m.hostPath) }, 'reusing the local node_modules');
        return { mounts: reused, env: { NODE_PATH: (reused[0] as { containerPath: string }).containerPath } };
      }
    }
    // node:test with no dependency declared: node alone runs the tests, there is nothing to install
    if (req.profile.framework === 'node:test' && !declaresDependencies(join(req.headDir, root, 'package.json'))) return undefined;
    if (!req.profile.lockfile) {
      throw new TfError('PREPARE_FAILED', `the ${root || 'root'} project has no lockfile to install its dependencies from (package-lock.json, pnpm-lock.yaml or yarn.lock), so its test runner cannot start`, {
        hint: 'commit a lockfile, or run tfactory locally in a checkout where node_modules is installed',
      });
    }
    const pm = req.profile.packageManager;
    return installFromLockfile(req, pm === 'pnpm' || pm === 'yarn' ? pm : 'npm', req.profile.lockfile);
  },
};
