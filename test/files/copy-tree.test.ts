import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyTreeBytes } from '../../src/files/copy-tree.js';
import { removeTree } from '../../src/files/remove-tree.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) execFileSync('rm', ['-rf', '--', d]);
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tfactory-copy-'));
  dirs.push(d);
  return d;
}

describe('copyTreeBytes', () => {
  it('copies a name that is not UTF-8 under its exact bytes, links as links, modes kept, .git left out', async () => {
    const src = temp();
    mkdirSync(join(src, 'src/.git'), { recursive: true });
    writeFileSync(Buffer.from(`${src}/src/caf\xe9.py`, 'latin1'), 'x = 1\n');
    writeFileSync(join(src, 'src/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(src, 'src/.git/config'), 'secret\n');
    symlinkSync('/etc/passwd', join(src, 'src/outside'));
    const dest = join(temp(), 'copy');
    await copyTreeBytes(src, dest, ['.git']);
    expect(readFileSync(Buffer.from(`${dest}/src/caf\xe9.py`, 'latin1'), 'utf8')).toBe('x = 1\n');
    expect(lstatSync(join(dest, 'src/run.sh')).mode & 0o777).toBe(0o755);
    expect(lstatSync(join(dest, 'src/outside')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dest, 'src/outside'))).toBe('/etc/passwd');
    expect(existsSync(join(dest, 'src/.git'))).toBe(false);
  });

  it('leaves out a path too deep for the host, and removeTree removes such a tree', async () => {
    const src = temp();
    // Built with relative paths (as git checks out): each step is short, the whole is over PATH_MAX.
    const part = 'd'.repeat(250);
    execFileSync('sh', ['-c', `for i in $(seq 1 17); do mkdir ${part} && cd ${part}; done; echo deep > deep.txt`], { cwd: src });
    writeFileSync(join(src, 'shallow.txt'), 'ok\n');
    const dest = join(temp(), 'copy');
    await copyTreeBytes(src, dest);
    expect(readFileSync(join(dest, 'shallow.txt'), 'utf8')).toBe('ok\n');
    await removeTree(src);
    expect(existsSync(src)).toBe(false);
  });
});
