import { SANDBOX_PATHS } from '../sandbox/port.js';
import type { PrepareSpec } from '../sandbox/port.js';
import type { DependencyRequest, PreparedPackages } from './port.js';

/** Repo-relative project root ('' for the repository root). */
export function projectRootOf(req: Pick<DependencyRequest, 'profile'>): string {
  const root = req.profile.root;
  return root && root !== '.' ? root : '';
}

/**
 * The prepare step (the only one with network): install from the profile's lockfile with `kind`,
 * cached by the lockfile's hash, and mount the result read-only at SANDBOX_PATHS.packages.
 */
export async function installFromLockfile(req: DependencyRequest, kind: PrepareSpec['kind'], lockfile: string): Promise<PreparedPackages> {
  const prepared = await req.sandbox.prepare({
    image: await req.image(),
    workspace: req.headDir,
    projectRoot: projectRootOf(req),
    kind,
    lockfile,
  }, req.signal);
  return { mounts: [{ hostPath: prepared.hostPath, containerPath: SANDBOX_PATHS.packages, readOnly: true }], env: prepared.env ?? {} };
}
