import { unquoteGitPathBytes } from './path-bytes.js';
import type { ChangedFile, FileChange, LineRange } from './types.js';

/** Undo git's C-style quoting of a path (`"a/caf\303\251"`), leaving unquoted paths as they are (as text: see path-bytes.ts for bytes). */
export function unquotePath(raw: string): string {
  return unquoteGitPathBytes(raw).toString('utf8');
}

/** `a/foo` → `foo`; `/dev/null` → undefined. */
function stripPrefix(raw: string, prefix: 'a/' | 'b/'): string | undefined {
  const p = unquotePath(raw.replace(/\t$/, ''));
  if (p === '/dev/null') return undefined;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/** Merge touching or overlapping ranges, sorted. */
export function mergeRanges(ranges: LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

interface Section {
  header: string;
  oldPath?: string;
  newPath?: string;
  renameFrom?: string;
  renameTo?: string;
  isNew: boolean;
  isDeleted: boolean;
  binary: boolean;
  /** Once the first hunk starts, lines are content (a removed `-- x` reads `--- x`). */
  inHunks: boolean;
  added: LineRange[];
  removed: LineRange[];
}

/** Paths from `diff --git a/x b/y` when nothing else names them (mode-only change): the two halves are equal. */
function pathsFromHeader(header: string): string | undefined {
  const rest = header.slice('diff --git '.length);
  if (rest.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*")\s/.exec(rest);
    return m?.[1] ? stripPrefix(m[1], 'a/') : undefined;
  }
  const half = (rest.length - 1) / 2;
  return Number.isInteger(half) ? stripPrefix(rest.slice(0, half), 'a/') : undefined;
}

function finish(sec: Section): ChangedFile | undefined {
  const oldPath = sec.renameFrom ?? sec.oldPath;
  const newPath = sec.renameTo ?? sec.newPath;
  const fallback = pathsFromHeader(sec.header);
  let change: FileChange = 'modified';
  if (sec.isNew) change = 'added';
  else if (sec.isDeleted) change = 'deleted';
  else if (sec.renameFrom !== undefined && sec.renameFrom !== sec.renameTo) change = 'renamed';
  const path = change === 'deleted' ? (oldPath ?? fallback) : (newPath ?? oldPath ?? fallback);
  if (path === undefined) return undefined;
  return {
    path,
    ...(change === 'renamed' && oldPath !== undefined ? { oldPath } : {}),
    change,
    addedRanges: mergeRanges(sec.added),
    removedRanges: mergeRanges(sec.removed),
    binary: sec.binary,
  };
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parse `git diff --unified=0 -M` output (with a/ b/ prefixes) into changed files. */
export function parseUnifiedDiff(text: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  let sec: Section | undefined;
  const flush = (): void => {
    if (sec) {
      const f = finish(sec);
      if (f) files.push(f);
    }
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      sec = { header: line, isNew: false, isDeleted: false, binary: false, inHunks: false, added: [], removed: [] };
      continue;
    }
    if (!sec) continue;
    const hunk = HUNK.exec(line);
    if (hunk) {
      sec.inHunks = true;
      const oldStart = Number(hunk[1]);
      const oldCount = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const newStart = Number(hunk[3]);
      const newCount = hunk[4] === undefined ? 1 : Number(hunk[4]);
      if (oldCount > 0) sec.removed.push({ start: oldStart, end: oldStart + oldCount - 1 });
      if (newCount > 0) sec.added.push({ start: newStart, end: newStart + newCount - 1 });
      continue;
    }
    if (sec.inHunks) continue;
    if (line.startsWith('new file mode')) sec.isNew = true;
    else if (line.startsWith('deleted file mode')) sec.isDeleted = true;
    else if (line.startsWith('rename from ')) sec.renameFrom = unquotePath(line.slice('rename from '.length));
    else if (line.startsWith('rename to ')) sec.renameTo = unquotePath(line.slice('rename to '.length));
    else if (line.startsWith('--- ')) {
      const p = stripPrefix(line.slice(4), 'a/');
      if (p !== undefined) sec.oldPath = p;
    } else if (line.startsWith('+++ ')) {
      const p = stripPrefix(line.slice(4), 'b/');
      if (p !== undefined) sec.newPath = p;
    } else if (line.startsWith('Binary files ') || line.startsWith('GIT binary patch')) {
      sec.binary = true;
      const m = /^Binary files (.+) and (.+) differ$/.exec(line);
      if (m?.[1] && m[2]) {
        const a = stripPrefix(m[1], 'a/');
        const b = stripPrefix(m[2], 'b/');
        if (a !== undefined) sec.oldPath = a;
        if (b !== undefined) sec.newPath = b;
      }
    }
  }
  flush();
  return files;
}
