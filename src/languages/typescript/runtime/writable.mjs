// What a test leaves behind for a later run to read. The tests of every invocation (head, a
// stability rerun, base, the control, each mutant) run as the same user in the same container, so a
// file written in one run could be read in the next: a test that stores what the head code returned
// and compares every later run with it has no expected value of its own, yet fails under every
// mutant that changes that value ("killed by assertion"). After each invocation the grader therefore
// puts every place a test can write back as it was before the invocation: what was made is removed,
// and so is a file that changed (its change time cannot be set back by a user). Inside the project
// copies copy-guard.mjs owns the watched files (a changed one is put back and named as tampering);
// here only what is new there goes, and what changed in the runners' cache folders. The grader's own
// tmpfs loses what is new only: its files from before are the grader's.
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { CACHE, isLoaded } from './copy-guard.mjs';

/** Past this many entries under one root, only that root's top level is reset (a note-free limit). */
export const MAX_ENTRIES_PER_ROOT = 50_000;

let configured = { roots: [], copies: [], own: [] };

/**
 * roots: every writable folder a test can reach (inside the sandbox: /tmp, HOME, /dev/shm, /scratch
 * and the grader's tmpfs); copies: the grader's project copies (under a root); own: folders whose
 * earlier files are the grader's (only what is new there is removed).
 */
export function configureWritable({ roots = [], copies = [], own = [] }) {
  configured = { roots: [...roots], copies: [...copies], own: [...own] };
}

const under = (path, dir) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function signature(st) {
  if (st.isDirectory()) return 'd';
  return `${st.isSymbolicLink() ? 'l' : 'f'}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** The names in `dir`, opening up a folder a test made unreadable (chmod 000: same user) first. */
function list(dir) {
  try {
    return readdirSync(dir);
  } catch (e) {
    if (e?.code !== 'EACCES') return undefined;
    try {
      chmodSync(dir, 0o700);
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  }
}

/** Removes `path` (a link, never followed), opening up what a test locked (its folder, the path itself) when it must. */
function remove(path) {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    try {
      chmodSync(dirname(path), 0o700);
      if (lstatSync(path).isDirectory()) {
        chmodSync(path, 0o700);
        for (const name of list(path) ?? []) remove(join(path, name));
      }
      rmSync(path, { recursive: true, force: true });
    } catch {
      // left in place: nothing more this user can do
    }
  }
}

function walk(root) {
  const entries = new Map();
  let complete = true;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    const names = list(dir);
    if (!names) continue;
    for (const name of names) {
      if (entries.size >= MAX_ENTRIES_PER_ROOT) {
        complete = false;
        break;
      }
      const path = join(dir, name);
      let st;
      try {
        st = lstatSync(path, { bigint: true });
      } catch {
        continue;
      }
      const sig = signature(st);
      entries.set(path, sig);
      if (sig === 'd') stack.push(path);
    }
    if (!complete) break;
  }
  return { entries, complete };
}

/** Every entry under the configured roots (taken just before an invocation). */
export function writableState(config = configured) {
  return { config, roots: config.roots.map((root) => ({ root, ...walk(root) })) };
}

/**
 * After an invocation (its processes ended): removes what it made under the roots and the files it
 * changed, as described above. Returns the paths removed (each removed folder once, not its files).
 * `spare`: folders whose new entries stay (only runners/jest-cache.mjs's run, which runs no
 * candidate's code, uses it: to fill jest's transform cache before the first candidate runs).
 */
export function resetWritable(before, { spare = [] } = {}) {
  const { copies, own } = before.config;
  const removed = [];
  for (const { root, entries: was, complete } of before.roots) {
    const now = walk(root);
    const gone = [];
    for (const path of [...now.entries.keys()].sort()) {
      if (gone.some((g) => under(path, g))) continue;
      // A partial listing only says what was at the top of the root.
      if (!complete && path.slice(root.length + 1).includes(sep)) continue;
      const sig = now.entries.get(path);
      const prior = was.get(path);
      if (prior === sig || (prior === 'd' && sig === 'd')) continue;
      const copy = copies.find((c) => under(path, c) && path !== c);
      const inCache = copy !== undefined && CACHE.test(path.slice(copy.length + 1));
      if (prior === undefined) {
        if (spare.some((d) => under(path, d))) continue;
        // A new loaded file or link in a copy is copy-guard's: it removes it and names the test.
        if (copy && !inCache && (isLoaded(path.slice(copy.length + 1)) || sig.startsWith('l:'))) continue;
      } else {
        if (copy && !inCache) continue;
        if (own.some((o) => under(path, o))) continue;
      }
      remove(path);
      gone.push(path);
      removed.push(path);
    }
  }
  return removed;
}
