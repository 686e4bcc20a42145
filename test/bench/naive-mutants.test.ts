import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runNaiveLoop, textMutants } from '../../src/bench/naive-mutants.js';

const SOURCE = ['# total', 'def f(total):', '    if total >= 100 and total < 500:', '        return total * 2', '    return total', ''].join('\n');

describe('textMutants (bench:mutation naive baseline)', () => {
  it('makes one mutant per operator or integer on the given lines, leaves comments and other lines alone', () => {
    const ms = textMutants('shop/p.py', SOURCE, [1, 3, 4]);
    expect(ms.map((m) => [m.line, m.description])).toEqual([
      [3, '< -> <='], [3, '>= -> >'], [3, 'and -> or'], [3, '100 -> 101'], [3, '500 -> 501'],
      [4, '* -> /'], [4, '2 -> 3'],
    ]);
    expect(ms[0]?.content.split('\n')[2]).toBe('    if total >= 100 and total <= 500:');
    expect(ms.every((m) => m.content.split('\n').filter((l, i) => l !== SOURCE.split('\n')[i]).length === 1)).toBe(true);
  });
});

describe('runNaiveLoop', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the command once per mutant, counts a failing run as a kill and restores the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-naive-'));
    await writeFile(join(dir, 'p.txt'), 'keep\n');
    const mutants = [
      { file: 'p.txt', line: 1, description: 'a', content: 'keep\n' },
      { file: 'p.txt', line: 1, description: 'b', content: 'changed\n' },
    ];
    const out = await runNaiveLoop(dir, mutants, { cmd: 'grep', args: ['-q', 'keep', 'p.txt'] }, 10_000);
    expect(out).toMatchObject({ mutants: 2, killed: 1 });
    expect(await readFile(join(dir, 'p.txt'), 'utf8')).toBe('keep\n');
  });
});
