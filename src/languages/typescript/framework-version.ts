import { posix } from 'node:path';
import type { ProjectFs } from '../project-fs.js';
import type { LanguageProfile } from '../types.js';

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function versionOf(pkg: Record<string, unknown> | undefined): string | undefined {
  return typeof pkg?.version === 'string' ? pkg.version : undefined;
}

/**
 * The runner majors the TS grader reads: runtime/runners/vitest.mjs VITEST_SUPPORTED and jest.mjs
 * JEST_SUPPORTED (test/languages/framework-version.test.ts checks they agree).
 */
export const TS_RUNNER_SUPPORT: Readonly<Record<string, readonly [number, number]>> = { vitest: [1, 4], jest: [29, 30] };

/** ' — not supported by the grader (1–4 are)' when `version` (or a range's first number) is outside the grader's majors. */
function supportNote(name: string, version: string): string {
  const range = TS_RUNNER_SUPPORT[name];
  const major = Number(/\d+/.exec(version)?.[0] ?? Number.NaN);
  if (!range || !Number.isFinite(major) || (major >= range[0] && major <= range[1])) return '';
  return ` — not supported by the grader (${range[0]}–${range[1]} are)`;
}

/**
 * The framework's version the project's tests run with: the installed package's (node_modules, what
 * a local run mounts), else the lockfile's, else the range package.json asks for.
 */
export async function describeTsFramework(fs: ProjectFs, profile: LanguageProfile): Promise<string> {
  const at = (p: string): string => (profile.root && profile.root !== '.' ? posix.join(profile.root, p) : p);
  const name = profile.framework;
  if (name === 'node:test') return "node:test (node's built-in runner, `node --test`: tests import from node:test and node:assert)";
  const installed = versionOf(parse(await fs.read(at(`node_modules/${name}/package.json`))));
  if (installed) return `${name} ${installed} (installed)${supportNote(name, installed)}`;
  const lock = parse(await fs.read(at('package-lock.json')));
  const packages = lock?.packages as Record<string, Record<string, unknown>> | undefined;
  const locked = versionOf(packages?.[`node_modules/${name}`]);
  if (locked) return `${name} ${locked} (package-lock.json)${supportNote(name, locked)}`;
  const manifest = parse(await fs.read(at('package.json')));
  for (const field of ['devDependencies', 'dependencies']) {
    const range = (manifest?.[field] as Record<string, unknown> | undefined)?.[name];
    if (typeof range === 'string') return `${name} ${range} (package.json)${supportNote(name, range)}`;
  }
  return `${name} (version not declared)`;
}
