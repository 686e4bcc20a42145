/** One record of `git diff --raw -z`: the exact name bytes, modes, blob ids and status letter. */
export interface RawDiffEntry {
  status: string;
  srcMode: string;
  dstMode: string;
  srcSha: string;
  dstSha: string;
  srcPath: Buffer;
  /** Set for renames and copies (`R086`, `C100`): the new name. */
  dstPath?: Buffer;
}

/**
 * Parse `git diff --raw -z --no-abbrev` output: `:<srcmode> <dstmode> <src> <dst> <status>\0<path>\0`
 * (`<src path>\0<dst path>\0` for R and C). Names stay bytes, so none is lost to a text decoding.
 */
export function parseRawDiff(out: Buffer): RawDiffEntry[] {
  const entries: RawDiffEntry[] = [];
  let pos = 0;
  const field = (): Buffer | undefined => {
    const end = out.indexOf(0, pos);
    if (end < 0) return undefined;
    const b = out.subarray(pos, end);
    pos = end + 1;
    return b;
  };
  while (pos < out.length) {
    const head = field();
    if (head === undefined) break;
    const meta = head.toString('latin1');
    if (!meta.startsWith(':')) continue;
    const [srcMode, dstMode, srcSha, dstSha, status] = meta.slice(1).split(' ');
    if (!srcMode || !dstMode || !srcSha || !dstSha || !status) continue;
    const srcPath = field();
    if (srcPath === undefined) break;
    const entry: RawDiffEntry = { status, srcMode, dstMode, srcSha, dstSha, srcPath: Buffer.from(srcPath) };
    if (status.startsWith('R') || status.startsWith('C')) {
      const dst = field();
      if (dst === undefined) break;
      entry.dstPath = Buffer.from(dst);
    }
    entries.push(entry);
  }
  return entries;
}
