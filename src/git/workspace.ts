import { mkdir } from 'node:fs/promises';
import { removeTree } from '../files/remove-tree.js';
import { join, resolve } from 'node:path';
import { TfError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Workspace, WorkspaceSource } from './types.js';
import { assertCleanUrl, buildAuthEnv, listSecretForms } from './auth-env.js';
import { resolveCommit, runGit, tryGit, type RunGitOptions } from './run-git.js';

const BASE_REF = 'refs/tfactory/base';
const HEAD_REF = 'refs/tfactory/head';

export interface WorkspaceDeps {
  /** Folder holding one sub-folder per run. */
  root: string;
  log: Logger;
}

function assertRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId)) {
    throw new TfError('USAGE', `run id '${runId}' cannot name a workspace folder`, { details: { runId } });
  }
}

async function hasCommit(dir: string, sha: string): Promise<boolean> {
  return (await tryGit(dir, ['cat-file', '-e', `${sha}^{commit}`])) !== undefined;
}

/** Clone a repository on this machine: objects copied (no hardlinks), so the workspace is independent. */
async function cloneLocal(source: Extract<WorkspaceSource, { kind: 'local' }>, dir: string): Promise<{ baseSha: string; headSha: string }> {
  const repoPath = resolve(source.repoPath);
  const baseSha = await resolveCommit(repoPath, source.baseRef);
  const headSha = await resolveCommit(repoPath, source.headRef);
  await runGit(dir, ['clone', '--quiet', '--no-hardlinks', '--no-checkout', '--', repoPath, dir]);
  if (!(await hasCommit(dir, baseSha)) || !(await hasCommit(dir, headSha))) {
    // Commits not on a branch (a detached HEAD, a pull ref): fetch every ref of the source.
    await runGit(dir, ['fetch', '--quiet', '--no-tags', 'origin', '+refs/*:refs/tfactory/source/*', '+HEAD:refs/tfactory/source-HEAD']);
  }
  for (const sha of [baseSha, headSha]) {
    if (!(await hasCommit(dir, sha))) {
      throw new TfError('GIT_FAILED', `commit ${sha} is not reachable from any ref of ${repoPath}`, { details: { sha } });
    }
  }
  return { baseSha, headSha };
}

/** Fetch base and head from a remote; the token travels only in this git process's environment. */
async function fetchRemote(source: Extract<WorkspaceSource, { kind: 'remote' }>, dir: string): Promise<{ baseSha: string; headSha: string }> {
  const url = assertCleanUrl(source.cloneUrl);
  const auth: RunGitOptions = source.token ? { env: buildAuthEnv(source.token), secrets: listSecretForms(source.token) } : {};
  await runGit(dir, ['init', '--quiet']);
  await runGit(dir, ['remote', 'add', 'origin', url]);
  await runGit(dir, ['fetch', '--quiet', '--no-tags', 'origin', `+${source.baseRef}:${BASE_REF}`, `+${source.headRef}:${HEAD_REF}`], auth);
  return { baseSha: await resolveCommit(dir, BASE_REF), headSha: await resolveCommit(dir, HEAD_REF) };
}

/**
 * `git checkout` of head. A file whose name is too long for this filesystem cannot be written: git
 * writes everything else, says "File name too long" and fails. That alone does not fail the run
 * (ingest leaves such a file out, with a note); any other failure does.
 */
async function checkoutHead(dir: string, headSha: string, log: Logger): Promise<void> {
  try {
    await runGit(dir, ['checkout', '--quiet', '--force', '--detach', headSha]);
  } catch (err) {
    const stderr = err instanceof TfError ? String((err.details as { stderr?: unknown } | undefined)?.stderr ?? '') : '';
    const problems = stderr.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('error:') || l.startsWith('fatal:'));
    // details.stderr is cut at 4000 characters: its last line may be incomplete.
    const cut = stderr.length >= 4000;
    const onlyLongNames = problems.length > 0 && problems.every((l, i) => /^error: unable to create file /.test(l) && (l.endsWith(': File name too long') || (cut && i === problems.length - 1)));
    const head = (await tryGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim();
    if (!onlyLongNames || head !== headSha) throw err;
    log.warn({ files: problems.length }, 'checkout left out files whose names are too long for this filesystem');
  }
}

/** A per-run checkout at head under `<root>/<runId>`; no other run shares it. */
export async function prepareWorkspace(deps: WorkspaceDeps, source: WorkspaceSource, runId: string): Promise<Workspace> {
  assertRunId(runId);
  const dir = join(deps.root, runId);
  const log = deps.log.child({ runId, workspace: dir });
  await removeTree(dir);
  await mkdir(dir, { recursive: true });
  try {
    const { baseSha, headSha } = source.kind === 'local' ? await cloneLocal(source, dir) : await fetchRemote(source, dir);
    await runGit(dir, ['update-ref', BASE_REF, baseSha]);
    await runGit(dir, ['update-ref', HEAD_REF, headSha]);
    await checkoutHead(dir, headSha, log);
    log.info({ baseSha, headSha, source: source.kind }, 'workspace prepared');
    return {
      dir,
      baseSha,
      headSha,
      dispose: async () => {
        await removeTree(dir);
        log.debug('workspace removed');
      },
    };
  } catch (err) {
    await removeTree(dir);
    throw err;
  }
}
