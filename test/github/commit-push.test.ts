import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles, fetchAndRebase, fetchRef, formatPatch, pushBranch } from '../../src/git/commit-push.js';
import { createRemote, filesContaining, git, type RemoteFixture } from '../fakes/repos.js';

const TOKEN = 'ghs_SECRETTOKEN_never_on_disk_123';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const AUTHOR = { name: 'tfactory[bot]', email: 'tfactory[bot]@users.noreply.github.com' };

describe('src/git/commit-push', () => {
  let fx: RemoteFixture;
  afterEach(() => fx?.cleanup());

  it('commits and pushes to the branch with the token only in the git process environment', async () => {
    fx = createRemote('o', 'r', 1);
    const dir = join(fx.workRoot, 'checkout');
    const remote = `${fx.baseUrl}/o/r.git`;
    expect(await fetchRef(dir, remote, 'refs/heads/changes', TOKEN)).toBe(fx.headSha);
    const sha = await commitFiles(dir, [{ path: 'tests/test_price.py', content: 'def test_price():\n    assert True\n' }], 'test: add 1 test\n\nTFactory-Run: run-1\n', AUTHOR);
    const pushed = await pushBranch(dir, remote, 'changes', TOKEN, { defaultBranch: 'master' });
    expect(pushed).toEqual({ ok: true, sha });
    expect(git(fx.bare, 'rev-parse', 'refs/heads/changes')).toBe(sha);
    expect(git(fx.bare, 'log', '-1', '--format=%an|%B', 'changes')).toBe('tfactory[bot]|test: add 1 test\n\nTFactory-Run: run-1');
    expect(filesContaining(fx.root, [TOKEN, BASIC])).toEqual([]);
  });

  it('refuses to push to the default branch', async () => {
    fx = createRemote('o', 'r', 1);
    const dir = join(fx.workRoot, 'checkout');
    const remote = `${fx.baseUrl}/o/r.git`;
    await fetchRef(dir, remote, 'refs/heads/master', TOKEN);
    await commitFiles(dir, [{ path: 't.py', content: 'x\n' }], 'test: x', AUTHOR);
    const before = git(fx.bare, 'rev-parse', 'master');
    const pushed = await pushBranch(dir, remote, 'master', TOKEN, { defaultBranch: 'master' });
    expect(pushed).toMatchObject({ ok: false, reason: 'default-branch' });
    expect(git(fx.bare, 'rev-parse', 'master')).toBe(before);
  });

  it('rebases the test commit when the branch moved, then pushes', async () => {
    fx = createRemote('o', 'r', 1);
    const dir = join(fx.workRoot, 'checkout');
    const remote = `${fx.baseUrl}/o/r.git`;
    await fetchRef(dir, remote, 'refs/heads/changes', TOKEN);
    await commitFiles(dir, [{ path: 'tests/test_new.py', content: 'def test_new():\n    pass\n' }], 'test: add 1 test', AUTHOR);
    // Someone pushes to the branch meanwhile.
    writeFileSync(join(fx.seed, 'README.md'), 'moved\n');
    git(fx.seed, 'add', '.');
    git(fx.seed, 'commit', '-q', '-m', 'docs');
    git(fx.seed, 'push', '-q', fx.bare, 'changes');
    const moved = git(fx.seed, 'rev-parse', 'HEAD');

    expect(await pushBranch(dir, remote, 'changes', TOKEN, { defaultBranch: 'master' })).toMatchObject({ ok: false, reason: 'rejected' });
    const rebased = await fetchAndRebase(dir, remote, 'changes', TOKEN, AUTHOR);
    expect(rebased.ok).toBe(true);
    expect(await pushBranch(dir, remote, 'changes', TOKEN, { defaultBranch: 'master' })).toMatchObject({ ok: true });
    expect(git(fx.bare, 'rev-parse', 'changes~1')).toBe(moved);
    expect(git(fx.bare, 'show', '--name-only', '--format=', 'changes')).toBe('tests/test_new.py');
  });

  it('reports a push the server forbids, and formats the commit as a patch that applies', async () => {
    fx = createRemote('o', 'r', 1);
    const hook = join(fx.bare, 'hooks', 'pre-receive');
    mkdirSync(join(fx.bare, 'hooks'), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\necho "Permission to o/r.git denied to tfactory[bot]." >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const dir = join(fx.workRoot, 'checkout');
    const remote = `${fx.baseUrl}/o/r.git`;
    await fetchRef(dir, remote, 'refs/pull/1/head', TOKEN);
    await commitFiles(dir, [{ path: 'tests/test_p.py', content: 'def test_p():\n    pass\n' }], 'test: add 1 test', AUTHOR);
    expect(await pushBranch(dir, remote, 'changes', TOKEN, { defaultBranch: 'master' })).toMatchObject({ ok: false, reason: 'forbidden' });
    const patch = await formatPatch(dir);
    expect(patch).toMatch(/^From [0-9a-f]{40} /);
    writeFileSync(join(fx.root, 'tfactory.patch'), patch);
    git(fx.seed, 'apply', '--check', join(fx.root, 'tfactory.patch'));
  });

  it('will not write outside the checkout', async () => {
    fx = createRemote('o', 'r', 1);
    const dir = join(fx.workRoot, 'checkout');
    await fetchRef(dir, `${fx.baseUrl}/o/r.git`, 'refs/heads/changes');
    await expect(commitFiles(dir, [{ path: '../evil.py', content: 'x' }], 'm', AUTHOR)).rejects.toThrow(/outside the checkout/);
  });
});
