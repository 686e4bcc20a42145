import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitPort } from '../../src/git/create-git-port.js';
import { gitPathBytes, quoteGitPath, unquoteGitPathBytes } from '../../src/git/path-bytes.js';
import { silentLogger } from '../../src/logger.js';
import type { GitDiff } from '../../src/git/types.js';
import type { TestRepo } from '../fakes/repos.js';
import { BIG_BYTES, LATIN1_NAME, makeAwkwardRepo, TOO_DEEP, TOO_LONG_PART } from './awkward-names.js';

describe('file names as git stores them (bytes), through diff, checkout and export', () => {
  let repo: TestRepo;
  let diff: GitDiff;
  const temp: string[] = [];

  beforeAll(async () => {
    repo = makeAwkwardRepo();
    diff = await createGitPort().diff(repo.dir, 'main', 'feature');
  });
  afterAll(() => {
    repo.cleanup();
    for (const d of temp) execFileSync('rm', ['-rf', '--', d]);
  });

  it('quotes a name that is not UTF-8 as git does, and gets the exact bytes back', () => {
    expect(quoteGitPath(LATIN1_NAME)).toBe('"src/caf\\351.py"');
    expect(unquoteGitPathBytes('"src/caf\\351.py"').equals(LATIN1_NAME)).toBe(true);
    expect(quoteGitPath(Buffer.from('a"b\\c\nd'))).toBe('"a\\"b\\\\c\\nd"');
  });

  it('lists every changed file, a name that is not UTF-8 in git\'s quoted form whose bytes are the ones git holds', () => {
    const byPath = new Map(diff.files.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual(
      ['"src/caf\\351.py"', TOO_DEEP, 'src/big.py', 'src/calc.py', 'src/link.py', 'src/logo.bin', 'src/naïve.py', 'src/new\nline.py', 'src/tab\there.py', TOO_LONG_PART, 'vendor/lib'].sort(),
    );
    const latin = byPath.get('"src/caf\\351.py"');
    expect(latin).toMatchObject({ change: 'added', notUtf8: true, addedRanges: [{ start: 1, end: 1 }] });
    const names = repo.git('ls-tree', '-r', '-z', '--name-only', 'feature');
    const treeNames = gitNames(repo.dir, ['ls-tree', '-r', '-z', '--name-only', 'feature']);
    expect(treeNames.some((n) => n.equals(gitPathBytes(latin!.path, latin!.notUtf8)))).toBe(true);
    expect(names).toContain('src/naïve.py');
    expect(byPath.get('src/naïve.py')?.notUtf8).toBeUndefined();
    expect(byPath.get('src/new\nline.py')).toMatchObject({ change: 'added', addedRanges: [{ start: 1, end: 1 }] });
  });

  it('gives sizes, binary-ness, links and submodules', () => {
    const byPath = new Map(diff.files.map((f) => [f.path, f]));
    expect(byPath.get('src/big.py')).toMatchObject({ size: BIG_BYTES, binary: false });
    expect(byPath.get('src/logo.bin')).toMatchObject({ binary: true, size: 7 });
    expect(byPath.get('src/link.py')).toMatchObject({ special: 'symlink' });
    expect(byPath.get('vendor/lib')).toMatchObject({ special: 'submodule' });
    expect(byPath.get('vendor/lib')?.size).toBeUndefined();
    expect(byPath.get('src/calc.py')).toMatchObject({ change: 'modified', addedRanges: [{ start: 3, end: 6 }], size: Buffer.byteLength('def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n') });
  });

  it('checks head out although one name is too long for the filesystem, every other file in place under its exact name', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfactory-ws-'));
    temp.push(root);
    const port = createGitPort({ workspaceRoot: root, log: silentLogger() });
    const ws = await port.prepareWorkspace({ kind: 'local', repoPath: repo.dir, baseRef: 'main', headRef: 'feature' }, 'names-1');
    expect(existsSync(Buffer.concat([Buffer.from(`${ws.dir}/`), LATIN1_NAME]))).toBe(true);
    expect(readFileSync(join(ws.dir, 'src/naïve.py'), 'utf8')).toContain('return 1');
    expect(existsSync(join(ws.dir, TOO_LONG_PART))).toBe(false);
    // The checkout holds a path deeper than PATH_MAX (git writes relative paths); it is removed all the same.
    await ws.dispose();
    expect(existsSync(ws.dir)).toBe(false);
  });

  it('fails the checkout for any other reason than long names', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfactory-ws-'));
    temp.push(root);
    const port = createGitPort({ workspaceRoot: root, log: silentLogger() });
    await expect(port.prepareWorkspace({ kind: 'local', repoPath: repo.dir, baseRef: 'main', headRef: 'no-such-branch' }, 'names-2')).rejects.toMatchObject({ code: 'GIT_FAILED' });
  });

  it('exports a tree with its names as bytes, leaving out only what no filesystem can hold', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'tfactory-export-'));
    temp.push(dest);
    await createGitPort().exportTree(repo.dir, 'feature', dest);
    const names = readdirSync(join(dest, 'src'), { encoding: 'buffer' });
    expect(names.some((n) => n.equals(LATIN1_NAME.subarray(4)))).toBe(true);
    expect(names.map((n) => n.toString('utf8'))).toEqual(expect.arrayContaining(['naïve.py', 'new\nline.py', 'tab\there.py', 'big.py', 'link.py']));
    expect(names.some((n) => n.length > 255)).toBe(false);
    expect(readFileSync(join(dest, 'src/calc.py'), 'utf8')).toContain('def sub');
  });
});

/** `git <args>` output split at NUL bytes, names kept as bytes. */
function gitNames(cwd: string, args: string[]): Buffer[] {
  const out = execFileSync('git', args, { cwd });
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== 0) continue;
    parts.push(out.subarray(start, i));
    start = i + 1;
  }
  return parts;
}
