import { chmod, copyFile, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';

const SLASH = Buffer.from('/');

/**
 * Copies the folder `src` into `dest` (created) with every name handled as bytes: a file whose name
 * is not UTF-8 is copied under its exact name (`fs.cp` decodes names as UTF-8 and then cannot find
 * them). Links are copied as links, never followed; files keep their mode; entries named in
 * `skipNames` (e.g. `.git`) are left out at any depth. A name too long for the destination is left
 * out too (it could not be checked out either).
 */
export async function copyTreeBytes(src: string, dest: string, skipNames: string[] = []): Promise<void> {
  const skip = new Set(skipNames);
  await copyDir(Buffer.from(src), Buffer.from(dest), skip);
}

/** Entries of one folder copied at once (bounded: a huge folder does not open thousands of files). */
const AT_ONCE = 16;

async function copyDir(from: Buffer, to: Buffer, skip: Set<string>): Promise<void> {
  const mode = (await lstat(from)).mode & 0o7777;
  await mkdir(to, { recursive: true, mode: 0o700 });
  const names = (await readdir(from, { encoding: 'buffer' })).filter((n) => !skip.has(n.toString('latin1')));
  for (let i = 0; i < names.length; i += AT_ONCE) {
    await Promise.all(names.slice(i, i + AT_ONCE).map((name) => copyEntry(Buffer.concat([from, SLASH, name]), Buffer.concat([to, SLASH, name]), skip)));
  }
  await chmod(to, mode);
}

async function copyEntry(a: Buffer, b: Buffer, skip: Set<string>): Promise<void> {
  try {
    const st = await lstat(a);
    if (st.isSymbolicLink()) await symlink(await readlink(a, { encoding: 'buffer' }), b);
    else if (st.isDirectory()) await copyDir(a, b, skip);
    else if (st.isFile()) await copyFile(a, b);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENAMETOOLONG') throw err;
  }
}
