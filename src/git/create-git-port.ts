import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../logger.js';
import { computeDiff } from './diff.js';
import { resolveCommit } from './run-git.js';
import { readBlobsAt } from './cat-file.js';
import { readCommitMessages } from './commit-log.js';
import { exportTree, readFileAt } from './tree.js';
import type { GitPort } from './types.js';
import { prepareWorkspace } from './workspace.js';

export interface GitPortOptions {
  /** Folder holding one workspace per run; default `<os tmpdir>/tfactory-workspaces`. */
  workspaceRoot?: string;
  log?: Logger;
}

/** The simple-git implementation of GitPort, plus ref resolution for the CLI. */
export interface LocalGitPort extends GitPort {
  resolveCommit(dir: string, ref: string): Promise<string>;
  commitMessages: NonNullable<GitPort['commitMessages']>;
}

export function createGitPort(opts: GitPortOptions = {}): LocalGitPort {
  const root = opts.workspaceRoot ?? join(tmpdir(), 'tfactory-workspaces');
  const log = opts.log ?? silentLogger();
  return {
    prepareWorkspace: (source, runId) => prepareWorkspace({ root, log }, source, runId),
    diff: computeDiff,
    exportTree,
    readFileAt,
    readFilesAt: readBlobsAt,
    commitMessages: readCommitMessages,
    resolveCommit,
  };
}
