import type { PreparedPackages } from '../languages/port.js';
import { pluginForProfile } from '../languages/registry.js';
import type { LanguageProfile } from '../languages/types.js';
import type { StageContext } from '../pipeline/types.js';
import type { SandboxPort } from '../sandbox/port.js';

/**
 * The project's dependencies for the grader, as the profile's language plug-in prepares
 * them (reuse of a local run's installed dependencies, or the prepare step from the lockfile).
 */
export function createPackagePreparer(deps: { sandbox: SandboxPort; imageFor: (p: LanguageProfile) => Promise<string> }) {
  return async (profile: LanguageProfile, headDir: string, ctx: StageContext): Promise<PreparedPackages | undefined> => {
    const source = ctx.run.request.source;
    return pluginForProfile(profile).grader.prepareDependencies({
      profile,
      headDir,
      ...(source.kind === 'local' ? { localRepoPath: source.repoPath } : {}),
      sandbox: deps.sandbox,
      image: () => deps.imageFor(profile),
      log: ctx.log,
      signal: ctx.signal,
    });
  };
}
