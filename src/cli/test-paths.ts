import { readdir } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import { TfError } from '../errors.js';

/**
 * `--tests a b c` as the usage line promises: the values after a multi-value flag, up to the next
 * option, each become one `--tests <value>` (`--tests a --tests b` and `--tests=a` stay as they are).
 */
export function spreadFlagValues(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    out.push(arg);
    if (arg !== flag) continue;
    if (i + 1 < argv.length) out.push(argv[(i += 1)] as string);
    while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('-')) out.push(flag, argv[(i += 1)] as string);
  }
  return out;
}

const MAGIC = /[*?[]/;
const SKIP = new Set(['node_modules', '.git']);
const MAX_ENTRIES = 50_000;

/** A glob (`*`, `?`, `[...]`, `**` for any folders) as a regular expression over `/` paths. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      i += 1;
      if (pattern[i + 1] === '/') {
        i += 1;
        re += '(?:[^/]*/)*';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[' && pattern.indexOf(']', i + 2) > i) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files under `dir` (absolute, `/`-separated), node_modules and .git left out, links not followed. */
async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (out.length >= MAX_ENTRIES) return;
    const path = posix.join(dir, e.name);
    if (e.isDirectory() && !SKIP.has(e.name)) await walk(path, out);
    else if (e.isFile()) out.push(path);
  }
}

/** The files matching `pattern` (relative to `root`, or absolute), sorted; [] when none. */
export async function expandGlob(pattern: string, root: string): Promise<string[]> {
  const abs = (isAbsolute(pattern) ? pattern : resolve(root, pattern)).split(sep).join('/');
  const parts = abs.split('/');
  const fixed = parts.findIndex((p) => MAGIC.test(p));
  const base = parts.slice(0, fixed).join('/') || '/';
  const files: string[] = [];
  await walk(base, files);
  const re = globToRegExp(abs);
  return files.filter((f) => re.test(f)).sort();
}

/**
 * The `--tests` values with globs expanded: a pattern is looked up from the current folder, then
 * from the repository's root; one that matches nothing is a usage error naming it.
 */
export async function expandTestArgs(values: string[], cwd: string, repo: string): Promise<string[]> {
  const out: string[] = [];
  for (const value of values) {
    if (!MAGIC.test(value)) {
      out.push(value);
      continue;
    }
    let hits = await expandGlob(value, cwd);
    if (hits.length === 0 && !isAbsolute(value)) hits = await expandGlob(value, repo);
    if (hits.length === 0) {
      throw new TfError('USAGE', `no file matches --tests ${value}`, { hint: 'quote the pattern and give it from the current folder or the repository root, e.g. --tests "tests/test_*.py"' });
    }
    out.push(...hits);
  }
  return [...new Set(out)];
}

/** Where a `--tests` path is read from: as given (from the current folder), else from the repository's working tree. */
export function testPathCandidates(path: string, cwd: string, repo: string): string[] {
  if (isAbsolute(path)) return [path];
  const fromCwd = resolve(cwd, path);
  const fromRepo = join(repo, path);
  return fromCwd === fromRepo ? [fromCwd] : [fromCwd, fromRepo];
}
