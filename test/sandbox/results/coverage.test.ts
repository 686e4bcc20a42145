import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCoberturaXml } from '../../../src/sandbox/results/cobertura.js';
import { parseLcov } from '../../../src/sandbox/results/lcov.js';
import { toRepoRelative } from '../../../src/sandbox/results/paths.js';
import { isTfError } from '../../../src/errors.js';
import { thrownBy } from '../../helpers/thrown.js';

const FIX = join(import.meta.dirname, '../../../fixtures/results');
const read = (p: string): string => readFileSync(join(FIX, p), 'utf8');

describe('parseCoberturaXml', () => {
  it('reads coverage.py output, relative to the repo root', () => {
    const result = parseCoberturaXml(read('pytest-sample/coverage.xml'), { repoRoot: '/tmp' });
    expect(result.files).toEqual([{ path: 'pysample/calc.py', covered: [1, 2, 5, 6, 7, 11, 12, 13, 14, 15, 16, 19], missed: [8, 20] }]);
  });

  it('reads istanbul output and ignores method-level lines', () => {
    const result = parseCoberturaXml(read('vitest-sample/cobertura-coverage.xml'), { repoRoot: '/tmp/vtsample' });
    expect(result.files).toEqual([{ path: 'src/calc.ts', covered: [2, 6, 7, 13, 14], missed: [9, 15, 19] }]);
  });

  it('throws RESULT_PARSE_FAILED on malformed XML and gives no files for empty input', () => {
    const err = thrownBy(() => parseCoberturaXml('<coverage><packages><package></packages></coverage>'));
    expect(isTfError(err, 'RESULT_PARSE_FAILED')).toBe(true);
    expect(parseCoberturaXml('')).toEqual({ files: [] });
  });

  it('parses a 50k-line report', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `<line number="${i + 1}" hits="${i % 2}"/>`).join('');
    const xml = `<coverage><sources><source>/w</source></sources><packages><package name="."><classes><class name="big" filename="big.py"><lines>${lines}</lines></class></classes></package></packages></coverage>`;
    const [file] = parseCoberturaXml(xml, { repoRoot: '/w' }).files;
    expect(file?.path).toBe('big.py');
    expect(file?.covered.length).toBe(25_000);
    expect(file?.missed[0]).toBe(1);
  });
});

describe('parseLcov', () => {
  it('reads vitest v8 lcov with project-relative SF paths', () => {
    const result = parseLcov(read('vitest-sample/lcov.info'), { repoRoot: '/repo', baseDir: '/repo/web' });
    expect(result.files).toEqual([{ path: 'web/src/calc.ts', covered: [2, 6, 7, 13, 14], missed: [9, 15, 19] }]);
  });

  it('merges repeated records of one file', () => {
    const text = 'SF:/w/a.ts\nDA:1,0\nDA:2,1\nend_of_record\nSF:/w/a.ts\nDA:1,3\nend_of_record\n';
    expect(parseLcov(text, { repoRoot: '/w' }).files).toEqual([{ path: 'a.ts', covered: [1, 2], missed: [] }]);
  });

  it('throws RESULT_PARSE_FAILED with the line for a malformed record', () => {
    const err = thrownBy(() => parseLcov('SF:a.ts\nDA:x,1\nend_of_record\n'));
    expect(isTfError(err, 'RESULT_PARSE_FAILED')).toBe(true);
    if (isTfError(err)) expect(err.details).toMatchObject({ line: 2, format: 'LCOV' });
    expect(parseLcov('')).toEqual({ files: [] });
  });

  it('parses 50k DA lines', () => {
    const text = `SF:big.ts\n${Array.from({ length: 50_000 }, (_, i) => `DA:${i + 1},${i % 3 === 0 ? 0 : 2}`).join('\n')}\nend_of_record\n`;
    const [file] = parseLcov(text).files;
    expect(file?.missed.length).toBe(16_667);
    expect(file?.covered.length).toBe(33_333);
  });
});

describe('toRepoRelative', () => {
  it('makes absolute and relative paths repo-relative and leaves outside paths absolute', () => {
    expect(toRepoRelative('/workspace/pkg/a.py', { repoRoot: '/workspace' })).toBe('pkg/a.py');
    expect(toRepoRelative('./a.py', { repoRoot: '/workspace', baseDir: '/workspace/app' })).toBe('app/a.py');
    expect(toRepoRelative('/usr/lib/x.py', { repoRoot: '/workspace' })).toBe('/usr/lib/x.py');
    expect(toRepoRelative('src\\a.ts')).toBe('src/a.ts');
  });
});
