import { posix } from 'node:path';
import type { LanguageProfile } from '../types.js';

/**
 * The version file a VCS version plug-in writes at build or install time (hatch-vcs's
 * `[tool.hatch.build.hooks.vcs] version-file`, setuptools-scm's `[tool.setuptools_scm] write_to` /
 * `version_file`): a checkout lacks it, the package imports it (`from ._version import __version__`),
 * and without it no test of the project can even load. The evaluation writes a stand-in into its
 * copies of the trees, with the names both plug-ins' templates define.
 */
const TABLE_KEYS: Array<[string, string[]]> = [
  ['tool.hatch.build.hooks.vcs', ['version-file']],
  ['tool.setuptools_scm', ['version_file', 'write_to']],
];

const STAND_IN = `# Written by TFactory for this evaluation, in place of the build backend's VCS version hook
# (the repository does not hold this generated file): the version is a placeholder.
__version__ = version = "0.0.0"
__version_tuple__ = version_tuple = (0, 0, 0)
`;

/**
 * `key = "value"` strings of a TOML text by their full dotted path (`[tool.hatch]` then
 * `build.hooks.vcs.version-file = "…"` is `tool.hatch.build.hooks.vcs.version-file`): a line scan,
 * enough for these plain string keys.
 */
function dottedStrings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let table = '';
  const clean = (k: string): string => k.replace(/["']/g, '').replace(/\s+/g, '');
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9_.\-"' ]+?)\s*\]$/.exec(line);
    if (header?.[1]) {
      table = clean(header[1]);
      continue;
    }
    const kv = /^([A-Za-z0-9_.\-"' ]+?)\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?$/.exec(line);
    if (kv?.[1]) out.set(table ? `${table}.${clean(kv[1])}` : clean(kv[1]), kv[2] ?? kv[3] ?? '');
  }
  return out;
}

/** A repo-relative .py path inside the project, or undefined for anything else (absolute, `..`, not Python). */
function insideProject(root: string, rel: string): string | undefined {
  if (!rel || rel.startsWith('/') || rel.includes('\\') || !rel.endsWith('.py')) return undefined;
  const joined = posix.normalize(root ? posix.join(root, rel) : rel);
  if (joined.startsWith('..') || joined.split('/').includes('..')) return undefined;
  return joined;
}

export async function pythonBuildStepFiles(profile: LanguageProfile, read: (path: string) => Promise<string | undefined>): Promise<Array<{ path: string; content: string; why: string }>> {
  const pyproject = await read(profile.root ? posix.join(profile.root, 'pyproject.toml') : 'pyproject.toml');
  if (pyproject === undefined) return [];
  const strings = dottedStrings(pyproject);
  const out: Array<{ path: string; content: string; why: string }> = [];
  for (const [table, keys] of TABLE_KEYS) {
    for (const key of keys) {
      const value = strings.get(`${table}.${key}`);
      const path = value === undefined ? undefined : insideProject(profile.root, value);
      if (!path || out.some((f) => f.path === path)) continue;
      out.push({ path, content: STAND_IN, why: `${path} is written at install time by the version hook of ${profile.root ? `${profile.root}/` : ''}pyproject.toml ([${table}] ${key}); a stand-in with version 0.0.0 was written into the evaluated copies so the package can be imported` });
    }
  }
  return out;
}
