import { stat } from 'node:fs/promises';
import { removeTree } from '../../../files/remove-tree.js';
import type { DiffSummary, WorkspaceSource } from '../../../git/types.js';
import { listChangedSymbols } from '../../../languages/changed-symbols.js';
import type { LanguageProfile } from '../../../languages/types.js';
import type { Run } from '../../../runs/types.js';
import { GITHUB_GIT_BASE, repoRemoteUrl } from '../../../git/remote-url.js';
import type { SpecSelection } from '../../../criteria/types.js';
import { noSpecSelection, type SelectSpecInput } from '../../../criteria/select-spec.js';
import { deriveSpecSelection, type ReadIssue } from '../../../criteria/derive/index.js';
import type { IngestResult, StageContext } from '../../types.js';
import type { IngestStage, PreparedIngest } from '../types.js';
import { scopeProfiles } from './scope-profiles.js';
import { partitionChangedFiles } from './skip-files.js';

/** The spec selector's input is src/criteria's own type: one definition. */
export type { SelectSpecInput };

export type SelectSpec = (input: SelectSpecInput) => Promise<SpecSelection>;
export type DetectLanguages = (dir: string, changedPaths: string[]) => Promise<LanguageProfile[]>;

export interface IngestDeps {
  selectSpec: SelectSpec;
  detectLanguages: DetectLanguages;
  /** Installation token for cloning a PR's repository; reaches git through its environment only. */
  githubToken?: (installationId: number) => Promise<string>;
  /** Where GitHub repositories are cloned from: default `https://github.com` (GHES: its host; the source's `clone_url` is used when on it); tests use a `file://` folder of `<owner>/<repo>.git`. */
  gitBaseUrl?: string;
  /** Reads a linked issue of a GitHub run's PR through the REST API (criteria of a PR without a spec). */
  readIssue?: (installationId: number) => ReadIssue;
  /** Removes a re-attached workspace (its original `dispose` did not survive the crash); default `rm -rf`. */
  removeDir?: (dir: string) => Promise<void>;
}

/** Where the checkout comes from: the local repo, or the PR's base repository (head via `refs/pull/<n>/head`). */
export async function toWorkspaceSource(run: Run, deps: Pick<IngestDeps, 'githubToken' | 'gitBaseUrl'>): Promise<WorkspaceSource> {
  const source = run.request.source;
  if (source.kind === 'local') return { kind: 'local', repoPath: source.repoPath, baseRef: source.baseRef, headRef: source.headRef };
  const token = deps.githubToken ? await deps.githubToken(source.installationId) : undefined;
  return {
    kind: 'remote',
    cloneUrl: repoRemoteUrl(deps.gitBaseUrl ?? GITHUB_GIT_BASE, `${source.owner}/${source.repo}`, source.cloneUrl),
    baseRef: source.baseRef,
    // The head commit of a fork's PR is reachable in the base repository under refs/pull/<n>/head.
    headRef: source.headSha,
    ...(token !== undefined ? { token } : {}),
  };
}

/** Paths the later stages can test: changed, present at head, not binary. */
export function testablePaths(diff: IngestResult['diff']): string[] {
  return diff.files.filter((f) => f.change !== 'deleted' && !f.binary).map((f) => f.path);
}

function specInput(run: Run, dir: string, headSha: string, changedPaths: string[]): SelectSpecInput {
  const { source, options } = run.request;
  return {
    dir,
    commitSha: headSha,
    changedPaths,
    ...(options.specId !== undefined ? { explicitId: options.specId } : {}),
    ...(source.kind === 'github'
      ? { prNumber: source.pullNumber, headBranch: source.headRef, ...(source.prBody !== undefined ? { prBody: source.prBody } : {}) }
      : { headBranch: source.headRef }),
  };
}

/** Where a run without a spec reads its criteria: the PR (title, description, linked issues) and the commits base..head. */
function deriveInput(run: Run, deps: IngestDeps, git: StageContext['ports']['git'], dir: string, diff: DiffSummary): Parameters<typeof deriveSpecSelection>[0] {
  const source = run.request.source;
  const readCommits = git.commitMessages?.bind(git);
  return {
    commitSha: diff.headSha,
    ...(readCommits ? { readCommits: () => readCommits(dir, diff.mergeBaseSha || diff.baseSha, diff.headSha) } : {}),
    ...(source.kind === 'github'
      ? {
          pr: { owner: source.owner, repo: source.repo, number: source.pullNumber, ...(source.prTitle !== undefined ? { title: source.prTitle } : {}), ...(source.prBody !== undefined ? { body: source.prBody } : {}) },
          ...(deps.readIssue ? { readIssue: deps.readIssue(source.installationId) } : {}),
        }
      : {}),
  };
}

/** 1. ingest: a per-run workspace at head, the diff against base, the spec, the language profiles. */
export function createIngestStage(deps: IngestDeps): IngestStage {
  const removeDir = deps.removeDir ?? removeTree;
  return {
    async run(ctx: StageContext): Promise<PreparedIngest> {
      const { run, ports, signal } = ctx;
      const total = 4;
      const source = await toWorkspaceSource(run, deps);
      const workspace = await ports.git.prepareWorkspace(source, run.id);
      try {
        ctx.progress('ingest', 1, total);
        signal.throwIfAborted();
        const gitDiff = await ports.git.diff(workspace.dir, workspace.baseSha, workspace.headSha);
        // Binary files, files over the cap and names the host cannot use go no further: noted, never read.
        const { kept, skipped } = partitionChangedFiles(gitDiff.files, workspace.dir);
        const files = { ...gitDiff, files: kept };
        // git gives files and line ranges; the language plug-ins find the changed symbols in them.
        const readMany = ports.git.readFilesAt?.bind(ports.git);
        const symbols = await listChangedSymbols(files, (sha, path) => ports.git.readFileAt(workspace.dir, sha, path), readMany && ((sha, paths) => readMany(workspace.dir, sha, paths)));
        const diff: DiffSummary = { ...files, symbols, ...(skipped.length > 0 ? { skipped } : {}) };
        ctx.progress('ingest', 2, total);
        signal.throwIfAborted();
        // The spec is looked for among every changed file whose name is text (a large spec file included).
        const changedPaths = gitDiff.files.filter((f) => !f.notUtf8).map((f) => f.path);
        // An evaluate-only run grades the tests it was given: a PR with no spec is fine (no criteria ledger).
        const evaluateOnly = (run.request.options.provided ?? []).length > 0 || run.request.settings.model.provider === 'none';
        // A run that writes tests derives criteria from the PR and its commits when there is no spec.
        const spec = await deps.selectSpec(specInput(run, workspace.dir, workspace.headSha, changedPaths)).catch((err: unknown) => {
          const none = noSpecSelection(err);
          if (!none) throw err;
          return evaluateOnly ? none : deriveSpecSelection(deriveInput(run, deps, ports.git, workspace.dir, diff));
        });
        ctx.progress('ingest', 3, total);
        signal.throwIfAborted();
        const profiles = scopeProfiles(await deps.detectLanguages(workspace.dir, testablePaths(diff)), run.request.settings);
        ctx.progress('ingest', 4, total);
        ctx.log.info(
          { files: diff.files.length, skipped: skipped.length, symbols: diff.symbols.length, spec: spec.spec.id, reason: spec.reason, languages: profiles.map((p) => p.language) },
          'ingested',
        );
        const result: IngestResult = { workspaceDir: workspace.dir, baseSha: workspace.baseSha, headSha: workspace.headSha, diff, spec, profiles };
        return { result, release: () => workspace.dispose() };
      } catch (err) {
        await workspace.dispose().catch((disposeErr: unknown) => ctx.log.warn({ err: disposeErr }, 'workspace not removed'));
        throw err;
      }
    },

    async reattach(previous: IngestResult, ctx: StageContext): Promise<PreparedIngest | undefined> {
      const exists = await stat(previous.workspaceDir).then((s) => s.isDirectory(), () => false);
      if (!exists) return undefined;
      ctx.log.info({ workspaceDir: previous.workspaceDir }, 'workspace re-attached');
      return { result: previous, release: () => removeDir(previous.workspaceDir) };
    },
  };
}
