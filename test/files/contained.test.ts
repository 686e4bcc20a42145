import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readContained, resolveContained, writeContained } from '../../src/files/contained.js';

describe('host-side repository paths never follow a link out of the tree', () => {
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tfactory-contained-'));
    outside = mkdtempSync(join(tmpdir(), 'tfactory-outside-'));
    writeFileSync(join(outside, 'secret.pem'), 'PRIVATE');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('writes and reads plain paths, creating folders', async () => {
    await writeContained(root, 'tests/unit/test_a.py', 'x = 1\n');
    expect(readFileSync(join(root, 'tests/unit/test_a.py'), 'utf8')).toBe('x = 1\n');
    expect(await readContained(root, 'tests/unit/test_a.py', 100)).toBe('x = 1\n');
    expect(await readContained(root, 'tests/unit/absent.py', 100)).toBeUndefined();
    expect(await readContained(root, 'tests/unit/test_a.py', 3)).toBeUndefined();
  });

  it('refuses a dangling link at the file itself (no file appears outside)', async () => {
    mkdirSync(join(root, 'tests'));
    symlinkSync(join(outside, 'planted.py'), join(root, 'tests/test_a.py'));
    await expect(writeContained(root, 'tests/test_a.py', 'pwned')).rejects.toThrow(/tests\/test_a\.py is a symbolic link/);
    expect(existsSync(join(outside, 'planted.py'))).toBe(false);
  });

  it('refuses a folder committed as a link to a host folder, for writes and reads', async () => {
    symlinkSync(outside, join(root, 'tests'));
    await expect(writeContained(root, 'tests/test_a.py', 'pwned')).rejects.toMatchObject({ code: 'UNSAFE_PATH', details: { link: 'tests' } });
    expect(existsSync(join(outside, 'test_a.py'))).toBe(false);
    await expect(readContained(root, 'tests/secret.pem', 1000)).rejects.toThrow(/tests is a symbolic link/);
  });

  it('refuses paths that climb out or are absolute', async () => {
    await expect(resolveContained(root, '../x.py')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(resolveContained(root, 'a/../../x.py')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(resolveContained(root, '/etc/passwd')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(await resolveContained(root, 'a/./b/../c.py')).toBe(join(root, 'a/c.py'));
  });
});

describe('readContainedSync', () => {
  it('reads a regular file and gives nothing for links, folders, big files and escapes', async () => {
    const { readContainedSync } = await import('../../src/files/contained.js');
    const root = mkdtempSync(join(tmpdir(), 'tfactory-contained-sync-'));
    const outside = mkdtempSync(join(tmpdir(), 'tfactory-outside-sync-'));
    try {
      mkdirSync(join(root, 'a'));
      writeFileSync(join(root, 'a', 'f.txt'), 'hello');
      writeFileSync(join(outside, 'secret'), 'nope');
      symlinkSync(join(outside, 'secret'), join(root, 'a', 'link.txt'));
      symlinkSync(outside, join(root, 'b'));
      expect(readContainedSync(root, 'a/f.txt', 100)).toBe('hello');
      expect(readContainedSync(root, 'a/f.txt', 2)).toBeUndefined();
      expect(readContainedSync(root, 'a/link.txt', 100)).toBeUndefined();
      expect(readContainedSync(root, 'b/secret', 100)).toBeUndefined();
      expect(readContainedSync(root, 'a', 100)).toBeUndefined();
      expect(readContainedSync(root, '../x', 100)).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
