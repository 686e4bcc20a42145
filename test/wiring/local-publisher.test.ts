import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalPublisher } from '../../src/wiring/local-publisher.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';
import { sampleReport } from '../fakes/reports.js';
import type { Run } from '../../src/runs/types.js';
import { ZERO_USAGE } from '../../src/llm/port.js';
import type { CandidateFile } from '../../src/pipeline/types.js';
import { testSettings } from '../fakes/settings.js';

function localRun(repoPath: string, commit: boolean): Run {
  return {
    id: 'run-1', subjectKey: `local:${repoPath}`, status: 'running', stages: [], usage: ZERO_USAGE, resumes: 0,
    createdAt: '2026-11-24T00:00:00Z', updatedAt: '2026-11-24T00:00:00Z',
    request: { source: { kind: 'local', repoPath, baseRef: 'HEAD', headRef: 'HEAD' }, trigger: { kind: 'cli' }, options: { commit }, settings: testSettings(), idempotencyKey: 'k' },
  };
}

const file: CandidateFile = { path: 'tests/test_discount.py', content: 'def test_x():\n    assert 1 + 1 == 2\n', language: 'python', framework: 'pytest', origin: 'generated', acIds: ['AC#1'] };

describe('local publisher', () => {
  let repo: TestRepo | undefined;
  let out: string | undefined;
  afterEach(() => {
    repo?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('with --commit, commits the accepted files on the current branch with the run trailer', async () => {
    repo = makeRepo('tfactory-localpub-');
    repo.write({ 'README.md': 'x\n' });
    repo.commit('base');
    const res = await createLocalPublisher().publish(localRun(repo.dir, true), sampleReport(), [file]);
    expect(res.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const message = execFileSync('git', ['log', '-1', '--format=%B'], { cwd: repo.dir }).toString();
    expect(message).toContain('test: add 1 test file for discounts (TFactory)');
    expect(message).toContain('TFactory-Run: run-1');
    expect(readFileSync(join(repo.dir, file.path), 'utf8')).toBe(file.content);
  });

  it('a run whose criteria were derived (no spec) commits "for this change", not for a spec id', async () => {
    repo = makeRepo('tfactory-localpub-');
    repo.write({ 'README.md': 'x\n' });
    repo.commit('base');
    const report = { ...sampleReport(), spec: { id: 'derived', kind: 'derived', path: 'commit messages', contentHash: 'h', derived: { label: 'no spec: criteria derived from 2 commit messages', sources: [] } } };
    await createLocalPublisher().publish(localRun(repo.dir, true), report, [file]);
    const message = execFileSync('git', ['log', '-1', '--format=%B'], { cwd: repo.dir }).toString();
    expect(message).toContain('test: add 1 test file for this change (TFactory)');
  });

  it('without --commit, leaves the repository untouched and writes the files where the note says', async () => {
    repo = makeRepo('tfactory-localpub-');
    repo.write({ 'README.md': 'x\n' });
    const before = repo.commit('base');
    out = mkdtempSync(join(tmpdir(), 'tfactory-accepted-'));
    const res = await createLocalPublisher({ outRoot: out }).publish(localRun(repo.dir, false), sampleReport(), [file]);
    expect(res.commitSha).toBeUndefined();
    expect(existsSync(join(repo.dir, file.path))).toBe(false);
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir }).toString().trim()).toBe(before);
    expect(readFileSync(join(out, 'run-1', file.path), 'utf8')).toBe(file.content);
    expect(res.notes.join(' ')).toContain(join(out, 'run-1'));
  });
});
