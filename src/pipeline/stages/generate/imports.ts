import { pluginForProfile } from '../../../languages/registry.js';
import type { LanguageProfile } from '../../../languages/types.js';
import { workspaceFileExists } from '../plan/workspace-files.js';

/** Repo-relative project files that a source file imports (third-party and standard modules are skipped). */
export function resolveProjectImports(workspaceDir: string, file: string, content: string, profile: LanguageProfile): string[] {
  return pluginForProfile(profile).resolveProjectImports(file, content, profile, (p) => workspaceFileExists(workspaceDir, p));
}
