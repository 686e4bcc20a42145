import { describe, expect, it } from 'vitest';
import { batchBySize, parseLsTree, readBlobsAt, readObjects } from '../../src/git/cat-file.js';
import { makeRepo } from '../fakes/repos.js';

describe('plumbing reads', () => {
  it('parses ls-tree -r -z -l, names with spaces and tabs included', () => {
    const out = '100644 blob aaaa     12\tsrc/a file.py\u0000120000 blob bbbb      9\tlink\u0000160000 commit cccc       -\tvendor/sub\u0000';
    expect(parseLsTree(out)).toEqual([
      { mode: '100644', type: 'blob', sha: 'aaaa', size: 12, path: 'src/a file.py' },
      { mode: '120000', type: 'blob', sha: 'bbbb', size: 9, path: 'link' },
      { mode: '160000', type: 'commit', sha: 'cccc', path: 'vendor/sub' },
    ]);
  });

  it('batches blobs by size, a blob bigger than a batch going alone', () => {
    const e = (size: number) => ({ size });
    expect(batchBySize([e(10), e(20), e(5), e(100), e(1)], 30).map((b) => b.map((x) => x.size))).toEqual([[10, 20], [5], [100], [1]]);
    expect(batchBySize([], 30)).toEqual([]);
  });

  it('reads many objects with one process, raw bytes included, missing ones left out', async () => {
    const repo = makeRepo('tfactory-cat-file-');
    try {
      repo.write({ 'a.txt': 'alpha\n', 'b.bin': '\u0000\u0001binary\n' });
      repo.commit('two files');
      const [a, b] = ['a.txt', 'b.bin'].map((p) => repo.git('rev-parse', `HEAD:${p}`).trim()) as [string, string];
      const objects = await readObjects(repo.dir, [a, b, 'f'.repeat(40), a]);
      expect(objects.get(a)?.toString()).toBe('alpha\n');
      expect(objects.get(b)).toEqual(Buffer.from('\u0000\u0001binary\n'));
      expect(objects.size).toBe(2);
    } finally {
      repo.cleanup();
    }
  });

  it('reads many files at a commit with one process, in order, missing paths and folders left out', async () => {
    const repo = makeRepo('tfactory-read-blobs-');
    try {
      repo.write({ 'src/a.py': 'A = 1\n', 'src/b c.py': 'B = 2\n', 'src/deep/d.ts': 'export const d = 4;\n' });
      const first = repo.commit('three files');
      repo.write({ 'src/a.py': 'A = 10\n' });
      repo.commit('a changed');
      const got = await readBlobsAt(repo.dir, first, ['src/a.py', 'nope.py', 'src/deep', './src/b c.py', 'src/deep/d.ts', 'src/a.py']);
      expect([...got.entries()]).toEqual([
        ['src/a.py', 'A = 1\n'],
        ['./src/b c.py', 'B = 2\n'],
        ['src/deep/d.ts', 'export const d = 4;\n'],
      ]);
      expect((await readBlobsAt(repo.dir, 'HEAD', ['src/a.py'])).get('src/a.py')).toBe('A = 10\n');
      expect((await readBlobsAt(repo.dir, 'HEAD', [])).size).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});
