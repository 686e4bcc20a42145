import { spawn } from 'node:child_process';
import { TfError } from '../errors.js';
import { buildBaseEnv } from './run-git.js';

/**
 * Reads many objects with ONE `git cat-file --batch` process: raw bytes, no filter, no textconv,
 * nothing the repository configures runs. Missing objects are absent from the map.
 */
export async function readObjects(dir: string, shas: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const wanted = [...new Set(shas)];
  if (wanted.length === 0) return out;
  const data = await catFileBatch(dir, wanted);
  let pos = 0;
  while (pos < data.length) {
    const nl = data.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = data.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const [sha, type, size] = header.split(' ');
    if (type === 'missing' || sha === undefined || size === undefined) continue;
    const length = Number(size);
    out.set(sha, data.subarray(pos, pos + length));
    pos += length + 1; // the object, then a newline
  }
  return out;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  path: string;
  /** Bytes of a blob (`ls-tree -l`); undefined for trees and submodules, or without `-l`. */
  size?: number;
  /** The name's exact bytes (from `parseLsTreeBytes`), whatever its encoding. */
  pathBytes?: Buffer;
}

/** Like parseLsTree, from git's raw output: each entry keeps its name's exact bytes in `pathBytes`. */
export function parseLsTreeBytes(output: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < output.length) {
    let end = output.indexOf(0, pos);
    if (end < 0) end = output.length;
    const record = output.subarray(pos, end);
    pos = end + 1;
    const tab = record.indexOf(0x09);
    if (tab < 0) continue;
    const [entry] = parseLsTree(`${record.subarray(0, tab).toString('latin1')}\t${record.subarray(tab + 1).toString('utf8')}`);
    if (entry) entries.push({ ...entry, pathBytes: Buffer.from(record.subarray(tab + 1)) });
  }
  return entries;
}

/** Every entry of a commit's tree, recursively (`git ls-tree -r -z [-l]`). */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
    if (!mode || !sha || (type !== 'blob' && type !== 'tree' && type !== 'commit')) continue;
    const bytes = size !== undefined && /^\d+$/.test(size) ? Number(size) : undefined;
    entries.push({ mode, type, sha, path: record.slice(tab + 1), ...(bytes !== undefined ? { size: bytes } : {}) });
  }
  return entries;
}

/** Groups entries so that each group's blobs add up to at most `maxBytes` (a bigger blob goes alone). */
export function batchBySize<T extends { size?: number }>(entries: T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = e.size ?? 0;
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Many files at one commit with ONE `git cat-file --batch` process (`<ref>:<path>` per line, answers
 * in order): path → text, for the blobs that exist. A path holding a newline cannot be asked this
 * way and is left out (the caller reads it on its own).
 */
export async function readBlobsAt(dir: string, ref: string, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const asked = [...new Set(paths)].filter((p) => !p.includes('\n'));
  if (asked.length === 0) return out;
  const data = await catFileBatch(dir, asked.map((p) => `${ref}:${p.replace(/^\.\//, '')}`));
  let pos = 0;
  for (const path of asked) {
    const nl = data.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = data.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // `<name> missing` / `ambiguous`: no body follows
    const length = Number(m[2]);
    if (m[1] === 'blob') out.set(path, data.subarray(pos, pos + length).toString('utf8'));
    pos += length + 1;
  }
  return out;
}

/** Sizes in bytes of many objects with ONE `git cat-file --batch-check` process; missing ones left out. */
export async function readObjectSizes(dir: string, shas: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const wanted = [...new Set(shas)];
  if (wanted.length === 0) return out;
  const data = await catFileBatch(dir, wanted, '--batch-check');
  for (const line of data.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]+) \w+ (\d+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** One `git cat-file --batch` (or `--batch-check`) process over `names` (one per line): its whole output. */
async function catFileBatch(dir: string, names: string[], mode: '--batch' | '--batch-check' = '--batch'): Promise<Buffer> {
  const child = spawn('git', ['cat-file', mode], { cwd: dir, env: buildBaseEnv({}), stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8').slice(0, 2000); });
  const done = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(`${names.join('\n')}\n`);
  const code = await done;
  if (code !== 0) throw new TfError('GIT_FAILED', `git cat-file ${mode} failed: ${stderr.split('\n')[0] ?? ''}`, { details: { dir, stderr } });
  return Buffer.concat(chunks);
}
