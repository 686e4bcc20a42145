import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { writeContained } from '../../../files/contained.js';
import type { GitPort } from '../../../git/types.js';
import type { CandidateFile } from '../../types.js';

/**
 * The trees the evaluator mounts read-only into its sandbox: the PR head and (for fail-to-pass) the
 * base, each with the candidate test files written in. They are copies owned by this evaluation, so
 * the run's workspace stays as it was and nothing the tests do can reach it.
 */
export interface EvalTrees {
  root: string;
  headDir: string;
  baseDir?: string;
  dispose(): Promise<void>;
}

/** Candidates go where they belong in the tree, never through a link the PR committed (UNSAFE_PATH). */
async function writeCandidates(dir: string, candidates: CandidateFile[]): Promise<void> {
  for (const c of candidates) await writeContained(dir, c.path, c.content);
}

export async function prepareEvalTrees(input: {
  workspaceDir: string;
  baseSha?: string;
  candidates: CandidateFile[];
  git: GitPort;
  tmpRoot?: string;
}): Promise<EvalTrees> {
  const root = await mkdtemp(join(input.tmpRoot ?? tmpdir(), 'tfactory-eval-'));
  const dispose = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    // mkdtemp makes 0700; the sandbox's non-root user must be able to read the trees (never write).
    await chmod(root, 0o755);
    const headDir = join(root, 'head');
    await cp(input.workspaceDir, headDir, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => !src.split(sep).includes('.git'),
    });
    await writeCandidates(headDir, input.candidates);
    let baseDir: string | undefined;
    if (input.baseSha) {
      baseDir = join(root, 'base');
      await mkdir(baseDir, { recursive: true });
      await input.git.exportTree(input.workspaceDir, input.baseSha, baseDir);
      await writeCandidates(baseDir, input.candidates);
    }
    return { root, headDir, ...(baseDir ? { baseDir } : {}), dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
