import { describe, expect, it } from 'vitest';
import { mergeCoverage } from '../../../src/sandbox/results/line-hits.js';

describe('mergeCoverage', () => {
  it('sorts files by path and lines by number, splitting covered from missed', () => {
    expect(mergeCoverage([
      { path: 'src/b.py', lines: new Map([[9, 0], [3, 2]]) },
      { path: 'src/a.py', lines: new Map([[5, 1], [1, 0], [2, 0]]) },
    ])).toEqual({
      files: [
        { path: 'src/a.py', covered: [5], missed: [1, 2] },
        { path: 'src/b.py', covered: [3], missed: [9] },
      ],
    });
  });

  it('counts a line covered when any entry of the same file hit it', () => {
    expect(mergeCoverage([
      { path: 'x.ts', lines: new Map([[1, 0], [2, 4], [3, 0]]) },
      { path: 'x.ts', lines: new Map([[1, 1], [2, 0], [4, 0]]) },
    ])).toEqual({ files: [{ path: 'x.ts', covered: [1, 2], missed: [3, 4] }] });
  });

  it('is empty for no entries', () => {
    expect(mergeCoverage([])).toEqual({ files: [] });
  });
});
