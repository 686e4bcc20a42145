// The grader's writable copy of the project (instrumented sources, the generated runner config, the
// grader's setup and reporter files, the node_modules folder of package links) is where the tests
// run, and a test runs as the same user: it could rewrite any of it so that the next invocation
// (a mutant, a stability rerun) reports what it wants. After every invocation the grader compares
// the copy with what it prepared: inode and change time of every file (a change time cannot be set
// back by a user), and any new code, config or package entry. What changed is put back from memory,
// and the invocation's tests are sorted out like a resource problem (run-tests.mjs): the test that
// did it is rejected "tampers with the grader".
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Caches the runners write on their own: not watched. */
export const CACHE = /^(?:.*\/)?(?:\.tfactory\/(?:vite-cache|jest-cache)|node_modules\/(?:\.vite[^/]*|\.cache|\.vitest))(?:\/|$)/;
/** A new file by one of these names changes what the next invocation loads. */
const LOADED = /\.(?:[cm]?[jt]sx?|node)$|^(?:package\.json|tsconfig[\w.-]*\.json|\.babelrc[\w.]*|babel\.config\.[\w.]+|jest\.config\.[\w.]+|vite(?:st)?\.config\.[\w.]+|\.swcrc)$/;
/** Beyond this much source, the copy is not kept in memory and not watched (a note says so). */
const MAX_KEPT_BYTES = 128 * 1024 * 1024;

/** What the watch records of a file, from its bigint lstat: identity and change time, link, mode. */
function entryOf(st) {
  return { id: `${st.ino}:${st.ctimeNs}:${st.size}:${st.mode}`, link: st.isSymbolicLink(), mode: Number(st.mode & 0o777n) };
}

function scan(root) {
  const out = new Map();
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop();
    let names;
    try {
      names = readdirSync(join(root, rel));
    } catch {
      continue;
    }
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      if (CACHE.test(r)) continue;
      let st;
      try {
        st = lstatSync(join(root, r), { bigint: true });
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        stack.push(r);
        continue;
      }
      out.set(r, entryOf(st));
    }
  }
  return out;
}

/** Make `rel` (a folder under root) a real folder again: whatever stands on its path is removed. */
function ensureDir(root, rel) {
  const parts = rel === '.' ? [] : rel.split('/');
  for (let i = 1; i <= parts.length; i += 1) {
    const abs = join(root, ...parts.slice(0, i));
    try {
      if (!lstatSync(abs).isDirectory()) rmSync(abs, { force: true });
    } catch {
      // missing: made below
    }
  }
  mkdirSync(join(root, rel), { recursive: true });
}

export function isLoaded(rel) {
  return LOADED.test(basename(rel)) || /(?:^|\/)node_modules\//.test(rel);
}

/**
 * Watch `root` from now on. Returns { check(): string[] } — the files changed, removed or added
 * (loaded kinds) since the last check, put back as they were — with adopt() and drop() for files
 * the grader adds and removes itself; `tooBig` is set when the copy is too big to keep (nothing is
 * watched then).
 */
export function watchTree(root) {
  let state = scan(root);
  const kept = new Map();
  let bytes = 0;
  for (const [rel, s] of state) {
    try {
      if (s.link) kept.set(rel, { link: readlinkSync(join(root, rel)) });
      else {
        const data = readFileSync(join(root, rel));
        bytes += data.length;
        if (bytes > MAX_KEPT_BYTES) return { tooBig: true, check: () => [], adopt: () => undefined, drop: (rels) => rels.forEach((rel) => rmSync(join(root, rel), { force: true })) };
        kept.set(rel, { data, mode: s.mode });
      }
    } catch {
      // unreadable: not kept, and not watched
      state.delete(rel);
    }
  }
  return {
    tooBig: false,
    /** Files the grader itself just wrote (`rels`, plain files): watched from now on like the rest. */
    adopt(rels) {
      for (const rel of rels) {
        state.set(rel, entryOf(lstatSync(join(root, rel), { bigint: true })));
        kept.set(rel, { data: readFileSync(join(root, rel)), mode: state.get(rel).mode });
      }
    },
    /** Removes files the grader adopted and stops watching them. */
    drop(rels) {
      for (const rel of rels) {
        rmSync(join(root, rel), { force: true });
        state.delete(rel);
        kept.delete(rel);
      }
    },
    check() {
      const now = scan(root);
      const touched = [];
      for (const [rel, s] of state) if (now.get(rel)?.id !== s.id) touched.push(rel);
      // A new link counts whatever its name: a folder replaced by a link would take the files under it elsewhere.
      const added = [...now.keys()].filter((rel) => !state.has(rel) && (isLoaded(rel) || now.get(rel)?.link));
      if (touched.length === 0 && added.length === 0) return [];
      for (const rel of added) rmSync(join(root, rel), { recursive: true, force: true });
      for (const rel of touched) {
        const abs = join(root, rel);
        rmSync(abs, { recursive: true, force: true });
        const k = kept.get(rel);
        if (!k) continue;
        ensureDir(root, dirname(rel));
        if (k.link !== undefined) symlinkSync(k.link, abs);
        else writeFileSync(abs, k.data, { mode: k.mode });
      }
      state = scan(root);
      return [...touched, ...added].sort();
    },
  };
}
