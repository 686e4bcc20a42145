import type { PyLine } from './discover-tokens.js';

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

/** Read the import statements among `lines` (any indentation). */
export function readImports(lines: PyLine[]): PyImports {
  const aliases = new Map<string, string>();
  const fromProject = new Set<string>();
  for (const l of lines) {
    const from = FROM_IMPORT.exec(l.code);
    if (from) {
      const module = from[1] as string;
      const top = module.replace(/^\.+/, '').split('.')[0] ?? '';
      const project = module.startsWith('.') || !NOT_UNDER_TEST.has(top);
      for (const part of (from[2] as string).split(',')) {
        const m = /^(\w+)(?: as (\w+))?$/.exec(part.trim());
        if (!m) continue;
        const local = m[2] ?? (m[1] as string);
        aliases.set(local, `${module.replace(/^\.+/, '')}.${m[1] as string}`.replace(/^\./, ''));
        if (project) fromProject.add(local);
      }
      continue;
    }
    const imp = IMPORT.exec(l.code);
    if (imp) {
      for (const part of (imp[1] as string).split(',')) {
        const m = /^([\w.]+)(?: as (\w+))?$/.exec(part.trim());
        if (!m) continue;
        const module = m[1] as string;
        const top = module.split('.')[0] as string;
        if (m[2]) aliases.set(m[2], module);
        if (!NOT_UNDER_TEST.has(top)) fromProject.add(m[2] ?? top);
      }
    }
  }
  return { aliases, fromProject };
}

/**
 * `code` with locally bound names replaced by their qualified names (`sleep(` → `time.sleep(`,
 * `dt.datetime.now(` → `datetime.datetime.now(`), so rules match one canonical spelling.
 */
export function qualify(code: string, imports: PyImports): string {
  if (/^(?:from|import) /.test(code)) return code;
  return code.replace(/(?<![\w.])([A-Za-z_]\w*)/g, (name: string) => imports.aliases.get(name) ?? name);
}
