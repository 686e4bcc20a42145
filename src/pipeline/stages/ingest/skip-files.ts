import type { ChangedFile, SkippedFile } from '../../../git/types.js';

/** A changed file bigger than this (bytes at head; at base when deleted) is left out, with a note. */
export const MAX_CHANGED_FILE_BYTES = 1_000_000;
/** Longest file name component most filesystems accept (Linux NAME_MAX), in bytes. */
export const MAX_NAME_COMPONENT_BYTES = 255;
/** Longest absolute path the host's file calls accept (Linux PATH_MAX, with its final NUL). */
export const MAX_HOST_PATH_BYTES = 4095;

function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)} kB`;
  return `${n} bytes`;
}

const SKIPPED = 'skipped (not parsed, mutated or tested)';

/** Why a changed file cannot go to the later stages, with the note that says so; undefined when it can. */
function skipReason(f: ChangedFile, workspaceDir: string, maxBytes: number): SkippedFile | undefined {
  const path = f.path;
  if (f.notUtf8) {
    return { path, reason: 'name-not-utf8', note: `${path}: the file name is not UTF-8 (shown in git's quoted form); ${SKIPPED}.` };
  }
  const longest = Math.max(...path.split('/').map((c) => Buffer.byteLength(c, 'utf8')));
  const absolute = Buffer.byteLength(workspaceDir, 'utf8') + 1 + Buffer.byteLength(path, 'utf8');
  if (longest > MAX_NAME_COMPONENT_BYTES || absolute > MAX_HOST_PATH_BYTES) {
    const what = longest > MAX_NAME_COMPONENT_BYTES ? `a name part of ${longest} bytes (the limit is ${MAX_NAME_COMPONENT_BYTES})` : `a path of ${absolute} bytes in the checkout (the limit is ${MAX_HOST_PATH_BYTES})`;
    return { path: shorten(path), reason: 'name-too-long', note: `${shorten(path)}: ${what}; ${SKIPPED}.` };
  }
  if (f.special === 'submodule') return { path, reason: 'submodule', note: `${path}: a submodule; ${SKIPPED}.` };
  if (f.special === 'symlink') return { path, reason: 'symlink', note: `${path}: a symbolic link; ${SKIPPED}.` };
  if (f.binary) return { path, reason: 'binary', note: `${path}: a binary file; ${SKIPPED}.` };
  if (f.size !== undefined && f.size > maxBytes) {
    return { path, reason: 'too-large', note: `${path}: ${formatBytes(f.size)} (${f.size} bytes), over the ${formatBytes(maxBytes)} cap for a changed file; ${SKIPPED}.` };
  }
  return undefined;
}

/** A very long name, cut for the report (its start and end kept). */
function shorten(path: string): string {
  return path.length <= 200 ? path : `${path.slice(0, 120)}…${path.slice(-60)}`;
}

/**
 * The changed files the later stages can read, and the ones left out with a note each: binary
 * files, files over the size cap, names that are not UTF-8 or too long for the host, symbolic
 * links and submodules. None of the left-out files is parsed, mutated or tested.
 */
export function partitionChangedFiles(files: ChangedFile[], workspaceDir: string, maxBytes = MAX_CHANGED_FILE_BYTES): { kept: ChangedFile[]; skipped: SkippedFile[] } {
  const kept: ChangedFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const f of files) {
    const reason = skipReason(f, workspaceDir, maxBytes);
    if (reason) skipped.push(reason);
    else kept.push(f);
  }
  return { kept, skipped };
}
