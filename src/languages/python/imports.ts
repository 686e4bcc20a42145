import { posix } from 'node:path';
import type { LanguageProfile } from '../types.js';
import { scanPython, type PyLine } from './discover-tokens.js';

/**
 * The Python plug-in's one import reader: the import statements of scanned logical lines (so an
 * `import` inside a string or comment is never read). The static checks use it for the names a
 * test binds; generation uses it for the project modules a changed file imports.
 */

/** One import statement: `from <module> import <names>` or `import <module> [as alias]`. */
export interface PyImportStatement {
  kind: 'from' | 'import';
  /** Dotted module as written (leading dots of a relative import kept). */
  module: string;
  /** Imported names (`from` only): `name` and its local alias, if any. */
  names: Array<{ name: string; alias?: string }>;
  /** `import module as alias`. */
  alias?: string;
}

/** What a file's import statements bind: local name → qualified dotted name. */
export interface PyImports {
  aliases: Map<string, string>;
  /** Local names bound by imports from modules outside the standard library and test tooling. */
  fromProject: Set<string>;
}

/** Standard library and test tooling: names imported from these are never "code under test". */
const NOT_UNDER_TEST = new Set(
  (
    'abc argparse array ast asyncio base64 bisect builtins calendar collections contextlib copy csv dataclasses ' +
    'datetime decimal difflib enum errno fnmatch fractions functools gc glob gzip hashlib heapq hmac html http ' +
    'importlib inspect io ipaddress itertools json logging math multiprocessing numbers operator os pathlib pickle ' +
    'platform pprint queue random re secrets shlex shutil signal socket sqlite3 ssl statistics string struct ' +
    'subprocess sys tempfile textwrap threading time timeit traceback types typing unicodedata unittest urllib uuid ' +
    'warnings weakref xml zipfile zoneinfo __future__ ' +
    'pytest _pytest mock freezegun time_machine hypothesis responses requests_mock respx pytest_mock faker ' +
    'requests httpx aiohttp numpy pandas'
  ).split(' '),
);

const IMPORT = /^import (.+)$/;
const FROM_IMPORT = /^from ([\w.]+) import \(?([^)]*)\)?$/;

/** The import statements among `lines` (any indentation), in order; one per imported module. */
export function readImportStatements(lines: PyLine[]): PyImportStatement[] {
  const out: PyImportStatement[] = [];
  for (const l of lines) {
    const from = FROM_IMPORT.exec(l.code);
    if (from) {
      const names: PyImportStatement['names'] = [];
      for (const part of (from[2] as string).split(',')) {
        const m = /^(\w+)(?: as (\w+))?$/.exec(part.trim());
        if (m) names.push({ name: m[1] as string, ...(m[2] ? { alias: m[2] } : {}) });
      }
      out.push({ kind: 'from', module: from[1] as string, names });
      continue;
    }
    const imp = IMPORT.exec(l.code);
    if (imp) {
      for (const part of (imp[1] as string).split(',')) {
        const m = /^([\w.]+)(?: as (\w+))?$/.exec(part.trim());
        if (m) out.push({ kind: 'import', module: m[1] as string, names: [], ...(m[2] ? { alias: m[2] } : {}) });
      }
    }
  }
  return out;
}

/** What the import statements among `lines` bind (any indentation). */
export function readImports(lines: PyLine[]): PyImports {
  const aliases = new Map<string, string>();
  const fromProject = new Set<string>();
  for (const st of readImportStatements(lines)) {
    if (st.kind === 'from') {
      const module = st.module;
      const top = module.replace(/^\.+/, '').split('.')[0] ?? '';
      const project = module.startsWith('.') || !NOT_UNDER_TEST.has(top);
      for (const { name, alias } of st.names) {
        const local = alias ?? name;
        aliases.set(local, `${module.replace(/^\.+/, '')}.${name}`.replace(/^\./, ''));
        if (project) fromProject.add(local);
      }
      continue;
    }
    const top = st.module.split('.')[0] as string;
    if (st.alias) aliases.set(st.alias, st.module);
    if (!NOT_UNDER_TEST.has(top)) fromProject.add(st.alias ?? top);
  }
  return { aliases, fromProject };
}

const normRoot = (root: string): string => (root === '.' || root === './' ? '' : root.replace(/\/+$/, ''));

/** Repo-relative project modules a Python file imports (absolute from the project root or its src/, or relative). */
export function resolvePythonImports(file: string, content: string, profile: LanguageProfile, exists: (path: string) => boolean): string[] {
  const found = new Set<string>();
  const root = normRoot(profile.root);
  const bases = [root, posix.join(root, 'src')].map((b) => (b === '.' ? '' : b));
  for (const st of readImportStatements(scanPython(content).lines)) {
    const mod = st.module;
    const names = st.names.map((n) => n.name);
    const dots = /^\.*/.exec(mod)?.[0].length ?? 0;
    const rest = mod.slice(dots).split('.').filter(Boolean).join('/');
    const dirs = dots > 0 ? [posix.join(posix.dirname(file), ...Array<string>(dots - 1).fill('..'))] : bases;
    for (const dir of dirs) {
      const base = posix.join(dir, rest);
      const candidates = [`${base}.py`, posix.join(base, '__init__.py'), ...names.map((n) => posix.join(base, `${n}.py`))];
      for (const c of candidates) if (rest || c !== `${base}.py`) if (exists(c) && c !== file) found.add(c);
    }
  }
  return [...found];
}

/**
 * `code` with locally bound names replaced by their qualified names (`sleep(` → `time.sleep(`,
 * `dt.datetime.now(` → `datetime.datetime.now(`), so rules match one canonical spelling.
 */
export function qualify(code: string, imports: PyImports): string {
  if (/^(?:from|import) /.test(code)) return code;
  return code.replace(/(?<![\w.])([A-Za-z_]\w*)/g, (name: string) => imports.aliases.get(name) ?? name);
}
