import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TfError } from '../../../src/errors.js';
import type { DiffSummary, GitPort, WorkspaceSource } from '../../../src/git/types.js';
import type { LanguageProfile } from '../../../src/languages/types.js';
import { silentLogger } from '../../../src/logger.js';
import { createIngestStage, toWorkspaceSource, type SelectSpecInput } from '../../../src/pipeline/stages/ingest/ingest.js';
import type { StageContext } from '../../../src/pipeline/types.js';
import type { SandboxPort } from '../../../src/sandbox/port.js';
import type { Run, RunRequest } from '../../../src/runs/types.js';
import { githubSource, localSource, makeRequest } from '../../runs/fixtures/requests.js';
import { fakePorts, SPEC } from '../pipeline-fakes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DIFF: DiffSummary = {
  baseSha: 'b1',
  headSha: 'h1',
  mergeBaseSha: 'm1',
  files: [
    { path: 'src/pricing.py', change: 'modified', addedRanges: [{ start: 3, end: 5 }], removedRanges: [], binary: false },
    { path: 'old.py', change: 'deleted', addedRanges: [], removedRanges: [{ start: 1, end: 2 }], binary: false },
    { path: 'logo.png', change: 'added', addedRanges: [], removedRanges: [], binary: true },
  ],
  symbols: [],
};

const PROFILE: LanguageProfile = { language: 'python', framework: 'pytest', packageManager: 'pip', root: '', testDir: 'tests', layout: 'flat', testFileNamePattern: 'test_{module}.py', files: ['src/pricing.py'] };

function fakeGit(opts: { diffFails?: boolean } = {}) {
  const calls: { sources: WorkspaceSource[]; diffs: string[][]; disposed: number } = { sources: [], diffs: [], disposed: 0 };
  const git: GitPort = {
    async prepareWorkspace(source, runId) {
      calls.sources.push(source);
      return { dir: `/ws/${runId}`, baseSha: 'b1', headSha: 'h1', dispose: async () => void (calls.disposed += 1) };
    },
    async diff(dir, base, head) {
      calls.diffs.push([dir, base, head]);
      if (opts.diffFails) throw new TfError('GIT_FAILED', 'bad revision');
      return DIFF;
    },
    async exportTree() {},
    async readFileAt() {
      return undefined;
    },
  };
  return { git, calls };
}

function contextFor(req: RunRequest, git: GitPort): StageContext & { progressSeen: Array<[number, number]> } {
  const run: Run = { id: 'run-1', request: req, subjectKey: 's', status: 'running', stages: [], usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 }, resumes: 0, createdAt: 'c', updatedAt: 'u' };
  const progressSeen: Array<[number, number]> = [];
  return {
    run,
    log: silentLogger(),
    signal: new AbortController().signal,
    ports: { ...fakePorts(), git, sandbox: {} as SandboxPort },
    progress: (_stage, done, total) => void progressSeen.push([done, total]),
    progressSeen,
  };
}

function deps() {
  const specInputs: SelectSpecInput[] = [];
  const detectInputs: Array<[string, string[]]> = [];
  return {
    specInputs,
    detectInputs,
    selectSpec: async (input: SelectSpecInput) => {
      specInputs.push(input);
      return SPEC;
    },
    detectLanguages: async (dir: string, paths: string[]) => {
      detectInputs.push([dir, paths]);
      return [PROFILE];
    },
  };
}

describe('ingest stage', () => {
  it('clones from the GHES host: the API clone_url when it is on the git host, never another host', async () => {
    const onHost = makeRequest({ source: { ...githubSource(7), cloneUrl: 'https://ghe.example.com/acme/shop.git' } });
    const run = { id: 'r', request: onHost } as never;
    expect(await toWorkspaceSource(run, { gitBaseUrl: 'https://ghe.example.com' })).toMatchObject({ cloneUrl: 'https://ghe.example.com/acme/shop.git' });
    const elsewhere = { id: 'r', request: makeRequest({ source: { ...githubSource(7), cloneUrl: 'https://evil.example.net/acme/shop.git' } }) } as never;
    expect(await toWorkspaceSource(elsewhere, { gitBaseUrl: 'https://ghe.example.com' })).toMatchObject({ cloneUrl: 'https://ghe.example.com/acme/shop.git' });
  });

  it('prepares the workspace, diffs base...head, selects the spec and detects languages', async () => {
    const { git, calls } = fakeGit();
    const d = deps();
    const stage = createIngestStage(d);
    const ctx = contextFor(makeRequest({ source: githubSource(7), options: { specId: 'checkout-flow' } }), git);
    const prepared = await stage.run(ctx);
    expect(calls.sources).toEqual([{ kind: 'remote', cloneUrl: 'https://github.com/acme/shop.git', baseRef: 'main', headRef: 'a'.repeat(40) }]);
    expect(calls.diffs).toEqual([['/ws/run-1', 'b1', 'h1']]);
    expect(d.specInputs).toEqual([
      { dir: '/ws/run-1', commitSha: 'h1', changedPaths: ['src/pricing.py', 'old.py', 'logo.png'], explicitId: 'checkout-flow', prNumber: 7, headBranch: 'feature/discount' },
    ]);
    expect(d.detectInputs).toEqual([['/ws/run-1', ['src/pricing.py']]]);
    // The binary file goes no further than ingest: left out of the files, with a note.
    const skipped = [{ path: 'logo.png', reason: 'binary', note: 'logo.png: a binary file; skipped (not parsed, mutated or tested).' }];
    expect(prepared.result).toEqual({ workspaceDir: '/ws/run-1', baseSha: 'b1', headSha: 'h1', diff: { ...DIFF, files: DIFF.files.slice(0, 2), skipped }, spec: SPEC, profiles: [PROFILE] });
    expect(ctx.progressSeen.at(-1)).toEqual([4, 4]);
    expect(calls.disposed).toBe(0);
    await prepared.release();
    expect(calls.disposed).toBe(1);
  });

  it('uses the local repo and passes the PR body and an installation token where there is one', async () => {
    const { git, calls } = fakeGit();
    const d = deps();
    const local = createIngestStage(d);
    await local.run(contextFor(makeRequest({ source: localSource('/repos/shop') }), git));
    expect(calls.sources[0]).toEqual({ kind: 'local', repoPath: '/repos/shop', baseRef: 'main', headRef: 'HEAD' });
    expect(d.specInputs[0]).not.toHaveProperty('prNumber');

    const tokens: number[] = [];
    const gh = createIngestStage({ ...d, githubToken: async (id) => (tokens.push(id), 'tok') });
    await gh.run(contextFor(makeRequest({ source: { ...githubSource(9), prBody: 'Spec: checkout' } }), git));
    expect(tokens).toEqual([42]);
    expect(calls.sources[1]).toMatchObject({ kind: 'remote', token: 'tok' });
    expect(d.specInputs[1]).toMatchObject({ prBody: 'Spec: checkout', prNumber: 9 });
  });

  it('removes the workspace when a later step fails, and keeps the error', async () => {
    const { git, calls } = fakeGit({ diffFails: true });
    const stage = createIngestStage(deps());
    await expect(stage.run(contextFor(makeRequest(), git))).rejects.toMatchObject({ code: 'GIT_FAILED' });
    expect(calls.disposed).toBe(1);

    const ok = fakeGit();
    const noSpec = createIngestStage({
      ...deps(),
      selectSpec: async () => {
        throw new TfError('SPEC_NOT_FOUND', 'no spec');
      },
    });
    await expect(noSpec.run(contextFor(makeRequest(), ok.git))).rejects.toMatchObject({ code: 'SPEC_NOT_FOUND' });
    expect(ok.calls.disposed).toBe(1);
  });

  it('an evaluate-only run of a PR without a spec goes on with no criteria (a spec asked for by id still needs one)', async () => {
    const looked = ['an explicit spec id: none given', '.aifactory/specs/<spec-id>/spec.md: none'];
    const notFound = new TfError('SPEC_NOT_FOUND', 'no spec found', { details: { looked } });
    const stage = createIngestStage({ ...deps(), selectSpec: async () => { throw notFound; } });
    const provided = [{ path: 'tests/test_a.py', content: 'def test_a():\n    assert 1 == 1\n', external: true }];

    const prepared = await stage.run(contextFor(makeRequest({ options: { provided } }), fakeGit().git));
    expect(prepared.result.spec).toEqual({
      spec: { kind: 'none', id: 'none', title: 'no spec', path: '', contentHash: '', acs: [], warnings: looked },
      reason: 'none',
      candidates: [],
    });
    await prepared.release();

    const byId = createIngestStage({ ...deps(), selectSpec: async () => { throw new TfError('SPEC_NOT_FOUND', "spec 'x' not found"); } });
    await expect(byId.run(contextFor(makeRequest({ options: { provided } }), fakeGit().git))).rejects.toMatchObject({ code: 'SPEC_NOT_FOUND' });
  });

  it('a run that writes tests for a PR without a spec derives criteria from the PR, the issues it closes and its commits', async () => {
    const notFound = new TfError('SPEC_NOT_FOUND', 'no spec found', { details: { looked: ['.aifactory/specs/<spec-id>/spec.md: none'] } });
    const stage = createIngestStage({
      ...deps(),
      selectSpec: async () => { throw notFound; },
      readIssue: (installationId) => async (ref) => {
        expect(installationId).toBe(githubSource(7).installationId);
        return ref.number === 12 ? { title: 'Shipping ignores parcel weight', body: 'Heavy parcels should cost more than light ones.' } : undefined;
      },
    });
    const { git } = fakeGit();
    const logged: Array<[string, string, string]> = [];
    git.commitMessages = async (dir, base, head) => {
      logged.push([dir, base, head]);
      return [
        { sha: 'c'.repeat(40), message: 'Price parcels by weight\n\nSigned-off-by: A <a@example.com>' },
        { sha: 'd'.repeat(40), message: 'wip' },
        { sha: 'e'.repeat(40), message: 'Refuse zero and negative weights (fixes acme/other#3)' },
      ];
    };
    const source = { ...githubSource(7), prTitle: 'Shipping by weight', prBody: 'Parcels cost 5 plus 2 per kg.\n\nFixes #12' };
    const prepared = await stage.run(contextFor(makeRequest({ source }), git));
    const sel = prepared.result.spec;
    // base..head of the workspace (the merge base), one git log.
    expect(logged).toEqual([['/ws/run-1', 'm1', 'h1']]);
    expect(sel.reason).toBe('derived');
    expect(sel.spec.acs.map((a) => `${a.id} ${a.text} [${a.source.path}]`)).toEqual([
      'AC#1 Shipping by weight [PR #7 title]',
      'AC#2 Parcels cost 5 plus 2 per kg. [PR #7 description]',
      'AC#3 Shipping ignores parcel weight [issue #12 title]',
      'AC#4 Heavy parcels should cost more than light ones. [issue #12]',
      'AC#5 Price parcels by weight [commit cccccccccccc]',
      'AC#6 Refuse zero and negative weights (fixes acme/other#3) [commit eeeeeeeeeeee]',
    ]);
    expect(sel.spec.derived?.label).toBe('no spec: criteria derived from the PR title and description, #12, 2 commit messages');
    // The other repository's issue could not be seen: noted, not fatal.
    expect(sel.spec.warnings).toEqual(["linked issue acme/other#3 could not be read (not found, or not visible to the App's installation)"]);
    await prepared.release();
  });

  it('a local run without a spec derives criteria from its commit messages only (no issue is looked up)', async () => {
    const notFound = new TfError('SPEC_NOT_FOUND', 'no spec found', { details: { looked: [] } });
    let issuesRead = 0;
    const stage = createIngestStage({ ...deps(), selectSpec: async () => { throw notFound; }, readIssue: () => async () => { issuesRead++; return undefined; } });
    const { git } = fakeGit();
    git.commitMessages = async () => [{ sha: 'c'.repeat(40), message: 'Round totals to cents\n\nFixes #12' }];
    const prepared = await stage.run(contextFor(makeRequest({ source: localSource() }), git));
    expect(prepared.result.spec.spec.derived?.label).toBe('no spec: criteria derived from 1 commit message');
    expect(prepared.result.spec.spec.acs.map((a) => a.text)).toEqual(['Round totals to cents']);
    expect(issuesRead).toBe(0);
    await prepared.release();
  });

  it('re-attaches a resumed run\'s workspace only while it exists, and removes it on release', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-ingest-'));
    dirs.push(dir);
    const { git } = fakeGit();
    const stage = createIngestStage(deps());
    const ctx = contextFor(makeRequest(), git);
    const previous = { workspaceDir: dir, baseSha: 'b1', headSha: 'h1', diff: DIFF, spec: SPEC, profiles: [PROFILE] };
    const again = await stage.reattach(previous, ctx);
    expect(again?.result).toBe(previous);
    await again?.release();
    expect(existsSync(dir)).toBe(false);
    expect(await stage.reattach(previous, ctx)).toBeUndefined();
  });
});
