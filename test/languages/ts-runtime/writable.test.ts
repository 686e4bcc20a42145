import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { resetWritable, writableState } from '../../../src/languages/typescript/runtime/writable.mjs';

const WRITABLE = join(import.meta.dirname, '../../../src/languages/typescript/runtime/writable.mjs');

/** runtime/writable.mjs on folders of the host: what an invocation made or changed is undone. */
describe('putting the writable places back after an invocation', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function layout(): { root: string; copy: string; own: string; outside: string } {
    const root = mkdtempSync(join(tmpdir(), 'tf-writable-'));
    const outside = mkdtempSync(join(tmpdir(), 'tf-writable-outside-'));
    made.push(root, outside);
    const copy = join(root, 'tf-eval');
    const own = join(root, 'grader');
    mkdirSync(join(copy, 'src'), { recursive: true });
    mkdirSync(join(copy, 'node_modules', '.cache'), { recursive: true });
    mkdirSync(join(root, 'pytest-of-runner'), { recursive: true });
    mkdirSync(own);
    writeFileSync(join(copy, 'src', 'shipping.js'), 'export const x = 1;\n');
    writeFileSync(join(copy, 'node_modules', '.cache', 'entry'), 'cache\n');
    writeFileSync(join(root, 'kept.txt'), 'before\n');
    writeFileSync(join(root, 'changed.txt'), 'before\n');
    writeFileSync(join(own, 'job.json'), '{}\n');
    writeFileSync(join(outside, 'target.txt'), 'not ours\n');
    return { root, copy, own, outside };
  }

  it('removes what was made and what changed, keeps what was there, never follows a link', () => {
    const { root, copy, own, outside } = layout();
    const before = writableState({ roots: [root], copies: [copy], own: [own] });
    writeFileSync(join(root, 'note.json'), '[5]');
    mkdirSync(join(root, 'new-dir', 'deep'), { recursive: true });
    writeFileSync(join(root, 'new-dir', 'deep', 'note'), 'x');
    writeFileSync(join(root, 'pytest-of-runner', 'hidden-note'), 'x');
    writeFileSync(join(root, 'changed.txt'), 'after, same folder\n');
    symlinkSync(join(outside, 'target.txt'), join(root, 'link-out'));

    const removed = resetWritable(before);

    expect(removed.sort()).toEqual([
      join(root, 'changed.txt'), join(root, 'link-out'), join(root, 'new-dir'), join(root, 'note.json'), join(root, 'pytest-of-runner', 'hidden-note'),
    ].sort());
    expect(readFileSync(join(root, 'kept.txt'), 'utf8')).toBe('before\n');
    expect(existsSync(join(root, 'pytest-of-runner'))).toBe(true);
    expect(readFileSync(join(outside, 'target.txt'), 'utf8')).toBe('not ours\n');
  });

  it("leaves the project copy's watched files to the copy guard, but clears its new notes and its caches", () => {
    const { root, copy, own } = layout();
    const before = writableState({ roots: [root], copies: [copy], own: [own] });
    writeFileSync(join(copy, 'src', 'shipping.js'), 'export const x = 2;\n'); // copy-guard puts it back and names the test
    writeFileSync(join(copy, 'src', 'extra.js'), 'export {};\n'); // a new loaded file: copy-guard's too
    writeFileSync(join(copy, 'seen.json'), '[5]');
    writeFileSync(join(copy, 'node_modules', '.cache', 'entry'), 'rewritten\n');
    writeFileSync(join(copy, 'node_modules', '.cache', 'seen.json'), '[5]');

    const removed = resetWritable(before);

    expect(removed.sort()).toEqual([
      join(copy, 'node_modules', '.cache', 'entry'), join(copy, 'node_modules', '.cache', 'seen.json'), join(copy, 'seen.json'),
    ].sort());
    expect(readFileSync(join(copy, 'src', 'shipping.js'), 'utf8')).toBe('export const x = 2;\n');
    expect(existsSync(join(copy, 'src', 'extra.js'))).toBe(true);
  });

  it('removes what a test locked (a folder it made unreadable and unwritable, a note inside an old folder it locked)', () => {
    // As a plain user: root ignores the modes a test sets (on a developer machine the tests already run as one).
    const { root, copy, own } = layout();
    const asUser = process.getuid?.() === 0 ? { uid: 10001, gid: 10001 } : {};
    if ('uid' in asUser) execFileSync('chown', ['-R', '10001:10001', root]);
    const script = `
      import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
      import { join } from 'node:path';
      import { resetWritable, writableState } from ${JSON.stringify(pathToFileURL(WRITABLE).href)};
      const [root, copy, own] = process.argv.slice(1);
      const before = writableState({ roots: [root], copies: [copy], own: [own] });
      mkdirSync(join(root, 'locked', 'deep'), { recursive: true });
      writeFileSync(join(root, 'locked', 'deep', 'note'), 'x');
      chmodSync(join(root, 'locked', 'deep'), 0o000);
      chmodSync(join(root, 'locked'), 0o000);
      writeFileSync(join(root, 'pytest-of-runner', 'note'), 'x');
      chmodSync(join(root, 'pytest-of-runner'), 0o000);
      resetWritable(before);
      console.log(JSON.stringify({ locked: existsSync(join(root, 'locked')), old: readdirSync(join(root, 'pytest-of-runner')) }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, root, copy, own], { encoding: 'utf8', ...asUser });
    expect(JSON.parse(out)).toEqual({ locked: false, old: [] });
  });

  it("keeps the grader's own earlier files, removes what is new beside them", () => {
    const { root, copy, own } = layout();
    const before = writableState({ roots: [root], copies: [copy], own: [own] });
    writeFileSync(join(own, 'job.json'), '{"changed":true}\n');
    mkdirSync(join(own, 'tf-io'));
    writeFileSync(join(own, 'tf-io', 'seen.json'), '[5]');

    expect(resetWritable(before)).toEqual([join(own, 'tf-io')]);
    expect(readFileSync(join(own, 'job.json'), 'utf8')).toBe('{"changed":true}\n');
  });
});
