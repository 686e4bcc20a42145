import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { TfError } from '../errors.js';
import type { LanguageProfile } from '../languages/types.js';
import type { PreparedEngineDeps } from '../pipeline/stages/evaluate/run-engine.js';
import type { StageContext } from '../pipeline/types.js';
import { SANDBOX_PATHS, type SandboxPort } from '../sandbox/port.js';

/**
 * The project's dependencies for the evaluation engine:
 * - a local run of a JS/TS project reuses the repository's own node_modules (read-only), as a
 *   developer's checkout already has them;
 * - otherwise the prepare step (the only one with network) installs from the lockfile, cached by its hash;
 * - a JS/TS project with neither cannot run its test runner: that is an infrastructure error, not a
 *   verdict on the tests.
 */
export function createEngineDeps(deps: { sandbox: SandboxPort; imageFor: (p: LanguageProfile) => Promise<string> }) {
  return async (profile: LanguageProfile, headDir: string, ctx: StageContext): Promise<PreparedEngineDeps | undefined> => {
    const root = profile.root && profile.root !== '.' ? profile.root : '';
    const npm = profile.language !== 'python';
    const source = ctx.run.request.source;
    if (npm && source.kind === 'local') {
      const local = join(source.repoPath, root, 'node_modules');
      if (existsSync(local)) {
        ctx.log.info({ path: local }, 'reusing the local node_modules');
        const container = `${SANDBOX_PATHS.deps}/node_modules`;
        return { mounts: [{ hostPath: realpathSync(local), containerPath: container, readOnly: true }], env: { NODE_PATH: container } };
      }
    }
    if (!profile.lockfile) {
      if (npm) {
        throw new TfError('PREPARE_FAILED', `the ${root || 'root'} project has no lockfile to install its dependencies from (npm ci needs package-lock.json), so its test runner cannot start`, {
          hint: 'commit a lockfile, or run tfactory locally in a checkout where node_modules is installed',
        });
      }
      return undefined;
    }
    const prepared = await deps.sandbox.prepare({
      image: await deps.imageFor(profile),
      workspace: headDir,
      projectRoot: root,
      kind: npm ? 'npm' : 'pip',
      lockfile: profile.lockfile,
    }, ctx.signal);
    return { mounts: [{ hostPath: prepared.hostPath, containerPath: SANDBOX_PATHS.deps, readOnly: true }], env: prepared.env ?? {} };
  };
}
