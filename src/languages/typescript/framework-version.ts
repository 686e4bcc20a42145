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
 * The framework's version the project's tests run with: the installed package's (node_modules, what
 * a local run mounts), else the lockfile's, else the range package.json asks for.
 */
export async function describeTsFramework(fs: ProjectFs, profile: LanguageProfile): Promise<string> {
  const at = (p: string): string => (profile.root && profile.root !== '.' ? posix.join(profile.root, p) : p);
  const name = profile.framework;
  const installed = versionOf(parse(await fs.read(at(`node_modules/${name}/package.json`))));
  if (installed) return `${name} ${installed} (installed)`;
  const lock = parse(await fs.read(at('package-lock.json')));
  const packages = lock?.packages as Record<string, Record<string, unknown>> | undefined;
  const locked = versionOf(packages?.[`node_modules/${name}`]);
  if (locked) return `${name} ${locked} (package-lock.json)`;
  const manifest = parse(await fs.read(at('package.json')));
  for (const field of ['devDependencies', 'dependencies']) {
    const range = (manifest?.[field] as Record<string, unknown> | undefined)?.[name];
    if (typeof range === 'string') return `${name} ${range} (package.json)`;
  }
  return `${name} (version not declared)`;
}
