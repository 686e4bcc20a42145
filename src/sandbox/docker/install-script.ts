import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { PACKAGE_ROOT } from '../../version.js';
import { SANDBOX_PATHS, type PrepareSpec } from '../port.js';
import { caCombineLine } from './ca-bundle.js';

/**
 * The command the prepare container runs for each kind of lockfile. Node installs happen in a copy
 * of the manifests that mirrors the repository's layout under /scratch (the lockfile's folder, every
 * package.json under it, the package manager's own settings), so a workspace installs as a whole
 * and each package's node_modules lands at its own path; /scratch is then mounted at /deps.
 */

/** Folder (repo-relative, '' for the root) whose lockfile is installed. */
export function installRootOf(spec: Pick<PrepareSpec, 'lockfile'>): string {
  const dir = posix.dirname(spec.lockfile);
  return dir === '.' ? '' : dir;
}

/**
 * What a package manager reads beside the package.json files, at the install root. Some of it is
 * code (a pnpmfile, yarn's committed release and plugins): the prepare cache key covers all of it
 * (settingsDigest), so a tree installed by one version of these files is never reused for another.
 */
export const NODE_SETTINGS = ['.npmrc', 'pnpm-workspace.yaml', '.pnpmfile.cjs', '.yarnrc', '.yarnrc.yml'];
export const NODE_SETTING_DIRS = ['.yarn/releases', '.yarn/plugins', '.yarn/patches', 'patches'];

/** sh: copy the manifests from "$0" (the install root in /workspace) to "$1" (its mirror in /scratch). */
const COPY_MANIFESTS = [
  'mkdir -p "$1"; cd "$0"',
  'find . \\( -name node_modules -o -name .git \\) -prune -o -type f -name package.json -print | while IFS= read -r f; do mkdir -p "$1/${f%/*}"; cp "$f" "$1/$f"; done',
  `for f in ${NODE_SETTINGS.join(' ')}; do if [ -f "$f" ]; then cp "$f" "$1/"; fi; done`,
  `for d in ${NODE_SETTING_DIRS.join(' ')}; do if [ -d "$d" ]; then mkdir -p "$1/$d"; cp -R "$d/." "$1/$d/"; fi; done`,
  'cp "$2" "$1/"',
  'cd "$1"',
].join('; ');

/** A package spec for `npm exec` (pnpm@9.15.0, yarn@1, @yarnpkg/cli-dist@4.5.1), checked before it reaches a shell. */
const TOOL_SPEC = /^(@[a-z0-9-]+\/)?[a-z0-9-]+@[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?$/;
const YARN_PATH = /^[\w./-]+\.c?js$/;

export interface NodeTool {
  /** Shown in messages: `npm ci`, `pnpm install`, `yarn install`. */
  label: string;
  /** The package manager's own package from the registry (pnpm@9, yarn@1.22.22, @yarnpkg/cli-dist@4), installed once per machine and mounted at TOOL_DIR; absent for npm. */
  tool?: string;
  /** The sh command run in the install root's mirror, after the manifests are copied. */
  command: string;
  env: Record<string, string>;
}

/** Where the package manager's package is mounted (read-only) in the prepare container. */
export const TOOL_DIR = '/opt/tfactory/pm';

/** sh: run the `bin` script of `pkg` (installed under TOOL_DIR) with node and `args`. */
function npxTool(pkg: string, bin: string, args: string): string {
  if (!TOOL_SPEC.test(pkg)) throw new Error(`not a package spec: ${pkg}`);
  const name = pkg.slice(0, pkg.lastIndexOf('@'));
  const dir = `${TOOL_DIR}/node_modules/${name}`;
  const script = `const p=require('${dir}/package.json');const b=typeof p.bin==='string'?p.bin:p.bin['${bin}'];console.log(require('path').join('${dir}',b))`;
  return `node "$(node -e "${script}")" ${args}`;
}

/**
 * argv that installs a package manager's package (`pkg`, checked) into /scratch with the image's
 * npm: its own container, with no project file read, so the result can serve every project.
 */
export function toolInstallCommand(pkg: string, opts: { ca: boolean }): InstallCommand {
  if (!TOOL_SPEC.test(pkg)) throw new Error(`not a package spec: ${pkg}`);
  const ca = opts.ca ? `${caCombineLine()}; ` : '';
  const install = `npm install --prefix ${SANDBOX_PATHS.scratch} --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error ${pkg}`;
  return {
    cmd: ['sh', '-c', `set -e; ${ca}cd ${SANDBOX_PATHS.scratch}; ${install}`],
    env: { HOME: '/home/runner', npm_config_cache: '/tmp/.npm', npm_config_update_notifier: 'false', npm_config_fetch_retry_mintimeout: '2000', npm_config_fetch_retry_maxtimeout: '10000' },
    label: `npm install ${pkg}`,
  };
}

/** Which pnpm or yarn a project asks for: package.json's packageManager, else the lockfile's format. */
export function nodeTool(kind: 'npm' | 'pnpm' | 'yarn', facts: { packageManager?: string; lockText: string; yarnPath?: string; installScripts: boolean }): NodeTool {
  const declared = facts.packageManager?.split('+')[0];
  const declaredFor = (name: string): string | undefined => (declared?.startsWith(`${name}@`) && TOOL_SPEC.test(declared) ? declared.slice(name.length + 1) : undefined);
  if (kind === 'npm') {
    // npm may end with "Exit handler never called!" and keep the cause in its debug log: show the log's tail.
    const ci = `npm ci --no-audit --no-fund${facts.installScripts ? '' : ' --ignore-scripts'}`;
    return { label: 'npm ci', command: `${ci} || { rc=$?; tail -n 30 /tmp/.npm/_logs/*-debug-0.log >&2 2>/dev/null; exit $rc; }`, env: {} };
  }
  if (kind === 'pnpm') {
    const major = /lockfileVersion:\s*'?(\d+)/.exec(facts.lockText)?.[1];
    const version = declaredFor('pnpm') ?? (major === '5' ? '7' : major === '6' ? '8' : '9');
    const args = `install --frozen-lockfile --config.confirmModulesPurge=false${facts.installScripts ? '' : ' --ignore-scripts'}`;
    return { label: 'pnpm install', tool: `pnpm@${version}`, command: npxTool(`pnpm@${version}`, 'pnpm', args), env: { npm_config_store_dir: '/tmp/.pnpm-store', CI: 'true' } };
  }
  const berry = /^__metadata:/m.test(facts.lockText);
  if (!berry) {
    const version = declaredFor('yarn') ?? '1.22.22';
    const args = `install --frozen-lockfile --non-interactive --no-progress${facts.installScripts ? '' : ' --ignore-scripts'}`;
    const pkg = `yarn@${version.startsWith('1.') ? version : '1.22.22'}`;
    return { label: 'yarn install', tool: pkg, command: npxTool(pkg, 'yarn', args), env: { YARN_CACHE_FOLDER: '/tmp/.yarn-cache' } };
  }
  // Berry: the project's own release when it commits one, else the declared version from npm; always
  // node_modules (not Plug'n'Play), so the test runner finds packages the usual way.
  const args = `install --immutable${facts.installScripts ? '' : ' --mode=skip-build'}`;
  const env = { YARN_NODE_LINKER: 'node-modules', YARN_ENABLE_GLOBAL_CACHE: 'false', YARN_CACHE_FOLDER: '/tmp/.yarn-cache', YARN_ENABLE_TELEMETRY: '0', YARN_ENABLE_INLINE_BUILDS: '0', YARN_IGNORE_PATH: '0' };
  if (facts.yarnPath && YARN_PATH.test(facts.yarnPath) && !facts.yarnPath.split('/').includes('..')) {
    return { label: 'yarn install', command: `node "${facts.yarnPath}" ${args}`, env };
  }
  const version = declaredFor('yarn') ?? '4';
  return { label: 'yarn install', tool: `@yarnpkg/cli-dist@${version}`, command: npxTool(`@yarnpkg/cli-dist@${version}`, 'yarn', args), env: { ...env, YARN_IGNORE_PATH: '1' } };
}

/**
 * The converter that turns pyproject.toml, setup.cfg, uv.lock, poetry.lock and Pipfile.lock into pip
 * requirements: a plain .py file shipped with the Python plug-in's files (under src/languages, which
 * the app image carries), passed to `python3 -c` in the prepare container.
 */
export function pipRequirementsScript(): string {
  return readFileSync(join(PACKAGE_ROOT, 'src', 'languages', 'python', 'pip-requirements.py'), 'utf8');
}

export interface InstallCommand {
  cmd: string[];
  env: Record<string, string>;
  label: string;
}

/** argv and environment of the prepare container for `spec` (`tool` for node kinds). */
export function installCommand(spec: PrepareSpec, opts: { tool?: NodeTool; ca: boolean }): InstallCommand {
  const ca = opts.ca ? `${caCombineLine()}; ` : '';
  const lock = posix.join(SANDBOX_PATHS.workspace, spec.lockfile);
  const home = { HOME: '/home/runner' };
  if (spec.kind === 'pip') {
    const target = `${SANDBOX_PATHS.scratch}/python`;
    const pip = 'python3 -m pip install --no-cache-dir --disable-pip-version-check --no-input --retries 1 --timeout 30';
    // The converter writes the requirements (or says the file is one already); pip runs from the
    // lockfile's folder so relative paths in it (./wheels/x.whl, -e ./pkg) resolve as they do for the project.
    const script = `set -e; ${ca}req=$(python3 -c "$2" "$0" /tmp/tfactory-requirements.txt); cd "$1"; ${pip} --target "${target}" -r "$req"`;
    return { cmd: ['sh', '-c', script, lock, posix.dirname(lock), pipRequirementsScript()], env: { ...home, PIP_BREAK_SYSTEM_PACKAGES: '1' }, label: 'pip install' };
  }
  const tool = opts.tool ?? nodeTool(spec.kind, { lockText: '', installScripts: Boolean(spec.installScripts) });
  const root = installRootOf(spec);
  const src = posix.join(SANDBOX_PATHS.workspace, root || '.');
  const out = root ? posix.join(SANDBOX_PATHS.scratch, root) : SANDBOX_PATHS.scratch;
  const script = `set -e; ${ca}${COPY_MANIFESTS}; ${tool.command}`;
  return { cmd: ['sh', '-c', script, src, out, lock], env: { ...home, npm_config_cache: '/tmp/.npm', npm_config_update_notifier: 'false', npm_config_fetch_retry_mintimeout: '2000', npm_config_fetch_retry_maxtimeout: '10000', ...tool.env }, label: tool.label };
}
