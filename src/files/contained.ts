import { lstatSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { TfError } from '../errors.js';

/** The components of a repo-relative path, or undefined when it is empty, absolute or climbs out. */
function partsInside(rel: string): string[] | undefined {
  const clean = normalize(rel.replace(/\\/g, '/'));
  if (clean === '' || clean === '.' || isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`)) return undefined;
  return clean.split(sep);
}

/**
 * Host-side access to repository content never follows a symbolic link (DESIGN.md, habit 13): a
 * PR can commit `tests/` as a link to a host folder, or a dangling link where a test will be
 * written. Every component of the path under `root` is checked with lstat; a link anywhere, or a
 * path that climbs out, is refused with UNSAFE_PATH naming the offending part.
 */
export async function resolveContained(root: string, rel: string): Promise<string> {
  const parts = partsInside(rel);
  if (!parts) throw new TfError('UNSAFE_PATH', `${rel}: not a path inside the repository`, { details: { path: rel } });
  const clean = parts.join(sep);
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i] as string);
    const st = await lstat(at).catch(() => undefined);
    if (!st) break; // the rest does not exist yet: nothing to follow
    if (st.isSymbolicLink()) {
      const shown = parts.slice(0, i + 1).join('/');
      throw new TfError('UNSAFE_PATH', `${shown} is a symbolic link in the repository; TFactory does not follow links${shown === parts.join('/') ? '' : ` (needed for ${rel})`}`, {
        details: { path: rel, link: shown },
        hint: 'commit a regular file or folder there, or choose another path',
      });
    }
    if (i < parts.length - 1 && !st.isDirectory()) {
      throw new TfError('UNSAFE_PATH', `${parts.slice(0, i + 1).join('/')} is not a folder (needed for ${rel})`, { details: { path: rel } });
    }
  }
  return join(root, clean);
}

/** Text of a regular file inside `root`, or undefined when absent, not a regular file, or over `maxBytes`. Links are refused. */
export async function readContained(root: string, rel: string, maxBytes: number): Promise<string | undefined> {
  const full = await resolveContained(root, rel);
  const st = await lstat(full).catch(() => undefined);
  if (!st?.isFile() || st.size > maxBytes) return undefined;
  return readFile(full, 'utf8');
}

/** Writes a file inside `root`, creating its folders; never through a link. */
export async function writeContained(root: string, rel: string, content: string | Buffer): Promise<string> {
  const full = await resolveContained(root, rel);
  const folder = full.slice(0, full.lastIndexOf(sep));
  await mkdir(folder, { recursive: true });
  // Checked again after the folders exist: a concurrent swap would have to race this line.
  await resolveContained(root, rel);
  await writeFile(full, content, { flag: 'w' });
  return full;
}

/**
 * The synchronous reader, for prompt building: the text of a regular file inside `root` reached
 * without any link, else undefined (a link anywhere on the way is simply not read).
 */
export function readContainedSync(root: string, rel: string, maxBytes: number): string | undefined {
  const parts = partsInside(rel);
  if (!parts) return undefined;
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i] as string);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) return undefined;
    if (i === parts.length - 1) return st.isFile() && st.size <= maxBytes ? readFileSync(at, 'utf8') : undefined;
    if (!st.isDirectory()) return undefined;
  }
  return undefined;
}
