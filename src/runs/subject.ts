import { resolve } from 'node:path';
import type { RunSource } from './types.js';

/** Groups runs of one PR (or one local repo): a newer run supersedes older ones of the same subject. */
export function subjectKeyOf(source: RunSource): string {
  if (source.kind === 'github') return `github:${source.owner.toLowerCase()}/${source.repo.toLowerCase()}#${source.pullNumber}`;
  return `local:${resolve(source.repoPath)}`;
}

/** A one-line name of the run's source, for logs and reports. */
export function describeSource(source: RunSource): string {
  if (source.kind === 'github') return `${source.owner}/${source.repo}#${source.pullNumber}`;
  return `${source.repoPath} (${source.baseRef}...${source.headRef})`;
}
