import { chmod, lstat, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTfError } from '../../../errors.js';
import { readContained, resolveContained, writeContained } from '../../../files/contained.js';
import { copyTreeBytes } from '../../../files/copy-tree.js';
import { removeTree } from '../../../files/remove-tree.js';
import type { GitPort } from '../../../git/types.js';
import { pluginForProfile } from '../../../languages/registry.js';
import type { LanguageProfile } from '../../../languages/types.js';
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
  /** Candidates that could not be placed (their path leads through a link the PR committed): path → why. */
  refused: Map<string, string>;
  /** What was written into the copies besides the candidates (a build step's files the checkout lacks), one line each. */
  notes: string[];
  dispose(): Promise<void>;
}

/**
 * Candidates go where they belong in the tree, never through a link the PR committed: such a
 * candidate is refused (named, with the link) and the others are placed as usual.
 */
async function writeCandidates(dir: string, candidates: CandidateFile[], refused: Map<string, string>): Promise<void> {
  for (const c of candidates) {
    if (refused.has(c.path)) continue;
    try {
      await writeContained(dir, c.path, c.content);
    } catch (err) {
      if (!isTfError(err, 'UNSAFE_PATH')) throw err;
      refused.set(c.path, err.message);
    }
  }
}

/**
 * Files the projects' build steps would write that the tree lacks (LanguagePlugin.buildStepFiles),
 * written into the copy when absent, never through a link. Returns what was written, one line each.
 */
async function writeBuildStepFiles(dir: string, profiles: LanguageProfile[]): Promise<string[]> {
  const notes: string[] = [];
  for (const profile of profiles) {
    const files = await pluginForProfile(profile).buildStepFiles?.(profile, (rel) => readContained(dir, rel, 1_000_000).catch(() => undefined)) ?? [];
    for (const f of files) {
      const full = await resolveContained(dir, f.path).catch(() => undefined);
      if (!full || (await lstat(full).catch(() => undefined))) continue;
      try {
        await writeContained(dir, f.path, f.content);
        notes.push(f.why);
      } catch (err) {
        if (!isTfError(err, 'UNSAFE_PATH')) throw err;
      }
    }
  }
  return notes;
}

export async function prepareEvalTrees(input: {
  workspaceDir: string;
  /** The change's projects: their build-step files are written into both copies when missing. */
  profiles?: LanguageProfile[];
  baseSha?: string;
  candidates: CandidateFile[];
  git: GitPort;
  tmpRoot?: string;
}): Promise<EvalTrees> {
  const root = await mkdtemp(join(input.tmpRoot ?? tmpdir(), 'tfactory-eval-'));
  const dispose = (): Promise<void> => removeTree(root);
  try {
    // mkdtemp makes 0700; the sandbox's non-root user must be able to read the trees (never write).
    await chmod(root, 0o755);
    const headDir = join(root, 'head');
    // Names as bytes: a file whose name is not UTF-8 is copied as it is (fs.cp cannot find it).
    await copyTreeBytes(input.workspaceDir, headDir, ['.git']);
    const refused = new Map<string, string>();
    await writeCandidates(headDir, input.candidates, refused);
    const notes = await writeBuildStepFiles(headDir, input.profiles ?? []);
    let baseDir: string | undefined;
    if (input.baseSha) {
      baseDir = join(root, 'base');
      await mkdir(baseDir, { recursive: true });
      await input.git.exportTree(input.workspaceDir, input.baseSha, baseDir);
      await writeCandidates(baseDir, input.candidates, refused);
      await writeBuildStepFiles(baseDir, input.profiles ?? []);
    }
    return { root, headDir, ...(baseDir ? { baseDir } : {}), refused, notes, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
