import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TfError } from '../errors.js';
import { batchBySize, parseLsTreeBytes, readObjects, type TreeEntry } from './cat-file.js';
import { resolveCommit, runGit, runGitBytes, tryGit } from './run-git.js';

/** Read one file at a ref; undefined if the ref has no such file. */
export async function readFileAt(dir: string, ref: string, path: string): Promise<string | undefined> {
  const spec = `${ref}:${path.replace(/^\.\//, '')}`;
  const type = (await tryGit(dir, ['cat-file', '-t', spec]))?.trim();
  if (type !== 'blob') return undefined;
  return runGit(dir, ['cat-file', 'blob', spec]);
}

/**
 * Write the tree of `ref` into `destDir` with plumbing only (`ls-tree` and one `cat-file --batch`):
 * the repository's index and working tree are untouched, and no filter, hook or other command the
 * repository configures runs (a checkout would run smudge filters). Symlinks are written as symlinks
 * (verbatim), executables keep their bit, submodules are left out (never fetched).
 */
export async function exportTree(dir: string, ref: string, destDir: string): Promise<void> {
  const sha = await resolveCommit(dir, ref);
  const dest = resolve(destDir);
  await mkdir(dest, { recursive: true });
  // Names as bytes: one that is not UTF-8 is written under its exact name, not a decoded look-alike.
  const entries = parseLsTreeBytes(await runGitBytes(dir, ['ls-tree', '-r', '-z', '-l', '--full-tree', sha])).filter((e) => e.type === 'blob');
  // One cat-file process per batch of at most EXPORT_BATCH_BYTES of blobs: memory stays bounded on big trees.
  for (const batch of batchBySize(entries, EXPORT_BATCH_BYTES)) await writeBlobs(dir, ref, dest, batch);
}

const EXPORT_BATCH_BYTES = 32 * 1024 * 1024;

async function writeBlobs(dir: string, ref: string, dest: string, entries: TreeEntry[]): Promise<void> {
  const blobs = await readObjects(dir, entries.map((e) => e.sha));
  for (const e of entries) {
    const parts = splitName(e.pathBytes ?? Buffer.from(e.path, 'utf8'));
    if (!parts) continue; // git never stores such a path; refuse it anyway
    const content = blobs.get(e.sha);
    if (content === undefined) throw new TfError('GIT_FAILED', `object ${e.sha} of ${e.path} is missing`, { details: { dir, ref } });
    const folder = Buffer.concat([Buffer.from(dest), ...parts.slice(0, -1).flatMap((p) => [SLASH, p])]);
    const target = Buffer.concat([folder, SLASH, parts[parts.length - 1] as Buffer]);
    try {
      await mkdir(folder, { recursive: true });
      if (e.mode === '120000') await symlink(content, target);
      else await writeFile(target, content, { mode: e.mode === '100755' ? 0o755 : 0o644 });
    } catch (err) {
      // A name too long for this filesystem cannot be checked out either: the checkout lacks it too.
      if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG') continue;
      throw err;
    }
  }
}

const SLASH = Buffer.from('/');

/** A tree path's components as bytes; undefined for an empty, `.` or `..` component. */
function splitName(bytes: Buffer): Buffer[] | undefined {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x2f) continue;
    const part = bytes.subarray(start, i);
    const text = part.toString('latin1');
    if (text === '' || text === '.' || text === '..') return undefined;
    parts.push(part);
    start = i + 1;
  }
  return parts;
}
