import { SANDBOX_PATHS } from '../sandbox/port.js';
import type { PreparedDeps, PrepareSpec } from '../sandbox/port.js';
import { describeError } from '../errors.js';
import type { DependencyRequest, PreparedPackages } from './port.js';

/** Repo-relative project root ('' for the repository root). */
export function projectRootOf(req: Pick<DependencyRequest, 'profile'>): string {
  const root = req.profile.root;
  return root && root !== '.' ? root : '';
}

/**
 * The prepare step (the only one with network): install from the profile's lockfile with `kind`,
 * cached by the lockfile's hash, and mount the result read-only at SANDBOX_PATHS.packages. The
 * outcome is logged (a failure as its one-line cause and what to do) and a failure is rethrown for
 * the grader to report on every test of the project.
 */
export async function installFromLockfile(req: DependencyRequest, kind: PrepareSpec['kind'], lockfile: string): Promise<PreparedPackages> {
  const projectRoot = projectRootOf(req);
  let prepared: PreparedDeps;
  try {
    prepared = await req.sandbox.prepare({ image: await req.image(), workspace: req.headDir, projectRoot, kind, lockfile }, req.signal);
  } catch (err) {
    if (!req.signal.aborted) req.log.error({ err: describeError(err), kind, lockfile, projectRoot: projectRoot || '.' }, 'dependency preparation failed');
    throw err;
  }
  req.log.info({ kind, lockfile, projectRoot: projectRoot || '.', cached: prepared.cached, cacheKey: prepared.cacheKey, ...(prepared.caSource ? { ca: prepared.caSource } : {}) }, 'dependencies prepared');
  return { mounts: [{ hostPath: prepared.hostPath, containerPath: SANDBOX_PATHS.packages, readOnly: true }], env: prepared.env ?? {} };
}
