import type { AuthorAssociation } from '../config/repo-config.js';
import type { Octokit, RepoRef } from './octokit.js';

export type TriggerPermission =
  | { allowed: true; via: 'association' | 'permission' }
  | { allowed: false; permission: string };

const WRITE_LEVELS = new Set(['admin', 'maintain', 'write']);

/**
 * Whether a user may trigger runs: an author association the repo config allows, or write access
 * (admin, maintain, write) as GitHub reports it for the repository.
 */
export async function checkTriggerPermission(
  octokit: Octokit,
  target: RepoRef & { username: string; association?: string; allowedAssociations: readonly AuthorAssociation[] },
): Promise<TriggerPermission> {
  if (target.association && (target.allowedAssociations as readonly string[]).includes(target.association)) {
    return { allowed: true, via: 'association' };
  }
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: target.owner,
      repo: target.repo,
      username: target.username,
    });
    const level = data.role_name ?? data.permission;
    if (WRITE_LEVELS.has(data.permission) || WRITE_LEVELS.has(level)) return { allowed: true, via: 'permission' };
    return { allowed: false, permission: level };
  } catch (err) {
    // 404: not a collaborator at all.
    if ((err as { status?: number }).status === 404) return { allowed: false, permission: 'none' };
    throw err;
  }
}

export function renderRefusal(username: string): string {
  return [
    `Thanks for your interest, @${username}! TFactory runs can only be started by people with write access to this repository.`,
    'A maintainer can start one with `/tfactory run` or by adding the label.',
  ].join('\n');
}
