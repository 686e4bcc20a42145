import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rename, writeFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { TfError } from '../../errors.js';
import { SANDBOX_PATHS, type PreparedDeps, type PrepareSpec } from '../port.js';
import { caEnv, caMount, resolveCaBundle, type CaBundle } from './ca-bundle.js';
import { installCommand, installRootOf, NODE_SETTING_DIRS, NODE_SETTINGS, nodeTool, TOOL_DIR, toolInstallCommand, type NodeTool } from './install-script.js';
import { prepareFailure } from './prepare-failure.js';
import { runInContainer, type SandboxContext } from './run-container.js';
import { removeDir, RUNNER_GID, RUNNER_UID } from './scratch.js';

const MARKER = '.tfactory-complete';
const PREPARE_TIMEOUT_MS = 15 * 60_000;
/** Installed dependencies may be big, but not unbounded: 4 GB, measured every 2 s (node_modules is a long walk). */
const PREPARE_MAX_BYTES = 4 * 1024 ** 3;
const PREPARE_POLL_MS = 2_000;

/** Bumped when what the prepare container does changes, so trees installed the old way are not reused. */
const RECIPE = 'prepare-2';

/** Cache key: sha256 over the kind, the image, the lockfile's path (the layout mirrors it) with the settings' digest, and the lockfile's content. */
export function prepareCacheKey(kind: PrepareSpec['kind'], image: string, lockfile: Buffer, lockPath = ''): string {
  return createHash('sha256').update(`${RECIPE}\0${kind}\0${image}\0${lockPath ? `${lockPath}\0` : ''}`).update(lockfile).digest('hex').slice(0, 32);
}

/**
 * The variables a test container needs to see the prepared dependencies mounted at /deps: node
 * packages mirror the repository's layout (/deps/<lockfile folder>/node_modules), Python's are in /deps/python.
 */
export function depsEnv(kind: PrepareSpec['kind'], installRoot = ''): Record<string, string> {
  return kind === 'pip'
    ? { PYTHONPATH: `${SANDBOX_PATHS.packages}/python` }
    : { NODE_PATH: posix.join(SANDBOX_PATHS.packages, installRoot, 'node_modules') };
}

async function readSmall(path: string): Promise<string | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile() || st.size > 256 * 1024) return undefined;
  return readFile(path, 'utf8').catch(() => undefined);
}

/** The lockfile's bytes, read only when it is a file inside the checkout (never through a link out of it). */
async function readLockfile(spec: PrepareSpec): Promise<Buffer> {
  const path = join(spec.workspace, spec.lockfile);
  let inside: boolean;
  try {
    const [real, root] = [await realpath(path), await realpath(spec.workspace)];
    inside = real.startsWith(`${root}${sep}`) && (await lstat(path)).isFile();
  } catch (err) {
    throw new TfError('PREPARE_FAILED', `lockfile ${spec.lockfile} not found in the checkout`, { details: { lockfile: spec.lockfile }, cause: err });
  }
  if (!inside) throw new TfError('UNSAFE_PATH', `lockfile ${spec.lockfile} is a link or leads outside the checkout; it is not read`, { details: { lockfile: spec.lockfile }, hint: 'commit the lockfile as a regular file' });
  return readFile(path);
}

/**
 * Hash of the package manager's settings at the install root (NODE_SETTINGS, and the files under
 * NODE_SETTING_DIRS), read without following links and bounded in count and size. Part of the
 * cache key: some of these files are code the package manager runs.
 */
export async function settingsDigest(installRoot: string): Promise<string> {
  const hash = createHash('sha256');
  let files = 0;
  let bytes = 0;
  const add = async (rel: string): Promise<void> => {
    const path = join(installRoot, rel);
    const st = await lstat(path).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of (await readdir(path).catch(() => [])).sort()) await add(posix.join(rel, name));
      return;
    }
    files += 1;
    bytes += st.size;
    hash.update(`${rel}\0${st.size}\0`);
    // past the bounds, names and sizes still count (a change of content at the same size would not)
    if (st.isFile() && files <= 2000 && bytes <= 64 * 1024 ** 2) hash.update(await readFile(path));
    else if (st.isSymbolicLink()) hash.update(await readlink(path).catch(() => ''));
  };
  for (const name of [...NODE_SETTINGS, ...NODE_SETTING_DIRS]) await add(name);
  return hash.digest('hex');
}

/**
 * The package manager's package (pnpm, yarn), installed from the registry once per machine (per
 * image and package spec) in a container of its own that reads no project file, then mounted
 * read-only into every prepare container that needs it.
 */
async function ensureTool(ctx: SandboxContext, image: string, workspace: string, pkg: string, cacheRoot: string, ca: CaBundle | undefined, signal?: AbortSignal): Promise<string> {
  const hostPath = join(cacheRoot, '.tools', createHash('sha256').update(`${image}\0${pkg}`).digest('hex').slice(0, 24));
  if (existsSync(join(hostPath, MARKER))) return hostPath;
  await mkdir(join(cacheRoot, '.tools'), { recursive: true });
  const work = await mkdtemp(`${hostPath}.tmp-`);
  try {
    await chown(work, RUNNER_UID, RUNNER_GID).catch(() => chmod(work, 0o777));
    const install = toolInstallCommand(pkg, { ca: ca !== undefined });
    const result = await runInContainer(
      ctx,
      { image, workspace, labels: { 'tfactory.mode': 'prepare' }, limits: { timeoutMs: 5 * 60_000, memoryBytes: 1024 ** 3, nanoCpus: 2e9, pids: 256 }, ...(ca ? { mounts: [caMount(ca)] } : {}) },
      { cmd: install.cmd, env: { ...install.env, ...(ca ? caEnv() : {}) } },
      signal,
      { network: 'bridge', tmpfsSizeMb: 512, scratchDir: work, maxScratchBytes: 512 * 1024 ** 2, scratchPollMs: PREPARE_POLL_MS },
    );
    if (result.endReason === 'cancelled') throw new TfError('RUN_CANCELLED', 'dependency preparation cancelled');
    if (result.endReason !== 'exited' || result.exitCode !== 0) throw prepareFailure(install.label, result, { ca: ca?.source, pip: false });
    await writeFile(join(work, MARKER), `${pkg}\n`);
    if (existsSync(join(hostPath, MARKER))) return hostPath;
    await removeDir(hostPath);
    await rename(work, hostPath);
    return hostPath;
  } finally {
    await removeDir(work).catch(() => undefined);
  }
}

/** pnpm or yarn, in the version the project declares (package.json packageManager, .yarnrc.yml yarnPath). */
async function nodeToolFor(spec: PrepareSpec, lock: Buffer): Promise<NodeTool> {
  const root = join(spec.workspace, installRootOf(spec));
  let packageManager: string | undefined;
  try {
    const pkg: unknown = JSON.parse((await readSmall(join(root, 'package.json'))) ?? '{}');
    const pm = typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>).packageManager : undefined;
    if (typeof pm === 'string') packageManager = pm;
  } catch {
    // an unreadable package.json is the installer's to report
  }
  const yarnPath = /^yarnPath:\s*["']?([^"'\n]+?)["']?\s*$/m.exec((await readSmall(join(root, '.yarnrc.yml'))) ?? '')?.[1];
  return nodeTool(spec.kind === 'pip' ? 'npm' : spec.kind, {
    lockText: lock.subarray(0, 4096).toString('utf8'), installScripts: Boolean(spec.installScripts),
    ...(packageManager ? { packageManager } : {}), ...(yarnPath ? { yarnPath } : {}),
  });
}

/**
 * The only step with network (bridge): installs the project's dependencies into a host cache folder
 * keyed by the lockfile hash (+ image), reused when present. Test containers mount it read-only.
 */
export async function prepareDeps(ctx: SandboxContext, spec: PrepareSpec, cacheRoot: string, signal?: AbortSignal): Promise<PreparedDeps> {
  const lock = await readLockfile(spec);
  const settings = spec.kind === 'pip' ? '' : await settingsDigest(join(spec.workspace, installRootOf(spec)));
  const cacheKey = prepareCacheKey(spec.kind, spec.image, lock, settings ? `${spec.lockfile}\0${settings}` : spec.lockfile);
  const hostPath = join(cacheRoot, cacheKey);
  const env = depsEnv(spec.kind, installRootOf(spec));
  if (existsSync(join(hostPath, MARKER))) return { hostPath, cacheKey, cached: true, env };

  await mkdir(cacheRoot, { recursive: true });
  const ca = await resolveCaBundle(ctx.env, cacheRoot);
  const tool = spec.kind === 'pip' ? undefined : await nodeToolFor(spec, lock);
  const install = installCommand(spec, { ca: ca !== undefined, ...(tool ? { tool } : {}) });
  const toolDir = tool?.tool ? await ensureTool(ctx, spec.image, spec.workspace, tool.tool, cacheRoot, ca, signal) : undefined;
  const mounts = [...(ca ? [caMount(ca)] : []), ...(toolDir ? [{ hostPath: toolDir, containerPath: TOOL_DIR, readOnly: true }] : [])];
  const work = await mkdtemp(join(cacheRoot, `${cacheKey}.tmp-`));
  try {
    await chown(work, RUNNER_UID, RUNNER_GID).catch(() => chmod(work, 0o777));
    const result = await runInContainer(
      ctx,
      {
        image: spec.image, workspace: spec.workspace, labels: { 'tfactory.mode': 'prepare' },
        limits: { timeoutMs: PREPARE_TIMEOUT_MS, memoryBytes: 2 * 1024 ** 3, nanoCpus: 2e9, pids: 512 },
        ...(mounts.length > 0 ? { mounts } : {}),
      },
      { cmd: install.cmd, env: { ...install.env, ...(ca ? caEnv() : {}) } },
      signal,
      { network: 'bridge', tmpfsSizeMb: 1024, scratchDir: work, maxScratchBytes: PREPARE_MAX_BYTES, scratchPollMs: PREPARE_POLL_MS },
    );
    if (result.endReason === 'cancelled') throw new TfError('RUN_CANCELLED', 'dependency preparation cancelled');
    if (result.endReason !== 'exited' || result.exitCode !== 0) {
      throw prepareFailure(install.label, result, { ca: ca?.source, pip: spec.kind === 'pip' });
    }
    await writeFile(join(work, MARKER), `${new Date().toISOString()}\n`);
    if (existsSync(join(hostPath, MARKER))) return { hostPath, cacheKey, cached: true, env };
    await removeDir(hostPath);
    await rename(work, hostPath);
    return { hostPath, cacheKey, cached: false, env, ...(ca ? { caSource: ca.source } : {}) };
  } finally {
    await removeDir(work).catch(() => undefined);
  }
}
