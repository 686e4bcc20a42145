import { posix } from 'node:path';
import type { ProjectFs } from '../project-fs.js';
import type { Language, LanguageProfile, PackageManager, TestFramework } from '../types.js';

const LOCKFILES: Array<[string, PackageManager]> = [['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn'], ['package-lock.json', 'npm'], ['npm-shrinkwrap.json', 'npm']];
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const TEST_DIRS = ['test', 'tests', '__tests__', 'src/__tests__'];

const at = (root: string, p: string): string => (root ? posix.join(root, p) : p);

/** TS/JS code whose changes can be tested (not declarations, not tool configuration). */
export function languageOf(path: string): Language | undefined {
  if (/\.d\.[cm]?ts$/i.test(path) || /(^|\/)[^/]*\.config\.[cm]?[jt]s$/i.test(path) || /(^|\/)node_modules\//.test(path)) return undefined;
  if (/\.(ts|tsx|mts|cts)$/i.test(path)) return 'typescript';
  if (/\.(js|jsx|mjs|cjs)$/i.test(path)) return 'javascript';
  return undefined;
}

interface PackageJson {
  deps: Set<string>;
  testScript: string;
  hasJestKey: boolean;
  packageManager?: string;
}

async function readPackageJson(fs: ProjectFs, folder: string): Promise<PackageJson | undefined> {
  const text = await fs.read(at(folder, 'package.json'));
  if (text === undefined) return undefined;
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    json = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return undefined;
  }
  const deps = new Set<string>();
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const d = json[key];
    if (typeof d === 'object' && d !== null) for (const name of Object.keys(d)) deps.add(name);
  }
  const scripts = typeof json.scripts === 'object' && json.scripts !== null ? (json.scripts as Record<string, unknown>) : {};
  const pm = typeof json.packageManager === 'string' ? json.packageManager : undefined;
  return { deps, testScript: typeof scripts.test === 'string' ? scripts.test : '', hasJestKey: 'jest' in json, ...(pm ? { packageManager: pm } : {}) };
}

/** Folders from `root` up to the repository root. */
function ancestry(root: string): string[] {
  const out = [root];
  let cur = root;
  while (cur !== '') {
    cur = posix.dirname(cur) === '.' ? '' : posix.dirname(cur);
    out.push(cur);
  }
  return out;
}

/** Whether a test script runs node's own test runner (runtime/runners/node-test.mjs runsNodeTest). */
const NODE_TEST = /\bnode\b[^&|;]*\s--test\b/;

/**
 * vitest or jest, from the nearest package.json (deps, test script, jest key) or config file that
 * says; node:test when that package.json's test script runs `node --test` and names neither.
 */
async function detectFramework(fs: ProjectFs, root: string): Promise<TestFramework> {
  for (const folder of ancestry(root)) {
    const pkg = await readPackageJson(fs, folder);
    const hasConfig = async (name: string): Promise<boolean> =>
      (await Promise.all(['ts', 'mts', 'js', 'mjs', 'cjs', 'json'].map((ext) => fs.isFile(at(folder, `${name}.config.${ext}`))))).some(Boolean);
    const vitest = Boolean(pkg?.deps.has('vitest') || /\bvitest\b/.test(pkg?.testScript ?? '')) || (await hasConfig('vitest'));
    const jest = Boolean(pkg?.deps.has('jest') || pkg?.hasJestKey || /\bjest\b/.test(pkg?.testScript ?? '')) || (await hasConfig('jest'));
    if (vitest && jest) return /\bjest\b/.test(pkg?.testScript ?? '') && !/\bvitest\b/.test(pkg?.testScript ?? '') ? 'jest' : 'vitest';
    if (vitest) return 'vitest';
    if (jest) return 'jest';
    if (NODE_TEST.test(pkg?.testScript ?? '')) return 'node:test';
  }
  return 'vitest';
}

async function detectPackageManager(fs: ProjectFs, root: string): Promise<{ packageManager: PackageManager; lockfile?: string }> {
  const chain = ancestry(root);
  for (const folder of chain) {
    for (const [file, pm] of LOCKFILES) if (await fs.isFile(at(folder, file))) return { packageManager: pm, lockfile: at(folder, file) };
  }
  for (const folder of chain) {
    const declared = (await readPackageJson(fs, folder))?.packageManager?.split('@')[0];
    if (declared === 'pnpm' || declared === 'yarn' || declared === 'npm') return { packageManager: declared };
  }
  return { packageManager: 'npm' };
}

async function findTestDir(fs: ProjectFs, root: string, files: string[], testFiles: string[]): Promise<string> {
  for (const d of TEST_DIRS) if (await fs.isDir(at(root, d))) return at(root, d);
  for (const f of files) {
    const folder = posix.dirname(f);
    if (testFiles.some((t) => posix.dirname(t) === folder)) return folder === '.' ? '' : folder;
  }
  if (testFiles.length > 0) {
    // Tests sit beside the code elsewhere: put new ones beside the first changed file.
    const folder = posix.dirname(files[0] as string);
    return folder === '.' ? '' : folder;
  }
  return at(root, 'test');
}

async function buildProfile(fs: ProjectFs, language: Language, root: string, files: string[]): Promise<LanguageProfile> {
  const testFiles = (await fs.walk(root, { maxDepth: 5 })).filter((f) => TEST_FILE.test(f));
  const ext = language === 'typescript' ? 'ts' : 'js';
  const ofLanguage = testFiles.filter((f) => (language === 'typescript' ? /\.[cm]?tsx?$/ : /\.[cm]?jsx?$/).test(f));
  const specStyle = ofLanguage.filter((f) => /\.spec\./.test(f)).length > ofLanguage.filter((f) => /\.test\./.test(f)).length;
  const { packageManager, lockfile } = await detectPackageManager(fs, root);
  return {
    language,
    framework: await detectFramework(fs, root),
    packageManager,
    root,
    testDir: await findTestDir(fs, root, files, testFiles),
    layout: 'flat',
    testFileNamePattern: `{module}.${specStyle ? 'spec' : 'test'}.${ext}`,
    ...(lockfile ? { lockfile } : {}),
    files,
  };
}

/**
 * A package.json that says only how Node reads the files below it (`{"type": "module", "version": …}`
 * in luxon's src/, say) is a module-type scope, not a project: it has no name, scripts, dependencies,
 * workspaces or jest settings. The project root is the nearest package.json that is more than that.
 */
function scopeOnly(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    const pkg = JSON.parse(text) as unknown;
    if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return false;
    const record = pkg as Record<string, unknown>;
    return !['name', 'scripts', 'dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'workspaces', 'jest'].some((k) => k in record);
  } catch {
    return false;
  }
}

async function nearestProjectRoot(fs: ProjectFs, file: string): Promise<string> {
  let from = file;
  for (;;) {
    const root = await fs.nearestWith(from, ['package.json']);
    if (root === undefined) return '';
    if (root === '' || !scopeOnly(await fs.read(posix.join(root, 'package.json')))) return root;
    from = root; // nearestWith starts at the folder above its argument's own
  }
}

/** TypeScript / JavaScript profiles, one per (language, nearest project package.json folder). */
export async function detectTypeScriptProfiles(fs: ProjectFs, changedPaths: string[]): Promise<LanguageProfile[]> {
  const groups = new Map<string, { language: Language; root: string; files: string[] }>();
  for (const p of changedPaths) {
    const language = languageOf(p);
    if (!language) continue;
    const root = await nearestProjectRoot(fs, p);
    const key = `${language}\u0000${root}`;
    const g = groups.get(key) ?? { language, root, files: [] };
    g.files.push(p);
    groups.set(key, g);
  }
  const out: LanguageProfile[] = [];
  const sorted = [...groups.values()].sort((a, b) => a.root.localeCompare(b.root) || a.language.localeCompare(b.language));
  for (const g of sorted) out.push(await buildProfile(fs, g.language, g.root, g.files));
  return out;
}
