import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfError } from '../../errors.js';
import type { ImageEngine } from './engine.js';
import { BOOTSTRAP_BASE, DEFAULT_BASE } from './runner-tag.js';

/** How the base image was obtained; printed so the user knows which path was taken. */
export type BaseSource = 'given' | 'local' | 'pulled' | 'bootstrap-existing' | 'bootstrap-built';

export interface BaseChoice {
  ref: string;
  source: BaseSource;
}

export interface SelectBaseOptions {
  engine: ImageEngine;
  /** `--base`: used as given. */
  base?: string;
  pullTimeoutMs?: number;
  onLine?: (line: string) => void;
  /** Runs debootstrap and streams the rootfs into the engine; replaceable in tests. */
  bootstrap?: (engine: ImageEngine, ref: string, onLine: (line: string) => void) => Promise<void>;
}

export function describeBaseChoice(choice: BaseChoice): string {
  switch (choice.source) {
    case 'given': return `base ${choice.ref} (given with --base)`;
    case 'local': return `base ${choice.ref} (present locally)`;
    case 'pulled': return `base ${choice.ref} (pulled from the registry)`;
    case 'bootstrap-existing': return `base ${choice.ref} (debootstrap image already present; registry not used)`;
    case 'bootstrap-built': return `base ${choice.ref} (built now with debootstrap + docker import; no registry reachable)`;
  }
}

/**
 * --base if given; else debian:bookworm-slim when present or pullable within ~20 s; else the
 * debootstrap image (reused when its tag exists, built otherwise).
 */
export async function selectBase(opts: SelectBaseOptions): Promise<BaseChoice> {
  const { engine } = opts;
  const onLine = opts.onLine ?? (() => undefined);
  if (opts.base) return { ref: opts.base, source: 'given' };
  if (await engine.imageExists(DEFAULT_BASE)) return { ref: DEFAULT_BASE, source: 'local' };
  onLine(`trying to pull ${DEFAULT_BASE} …`);
  if (await engine.tryPull(DEFAULT_BASE, opts.pullTimeoutMs ?? 20_000)) return { ref: DEFAULT_BASE, source: 'pulled' };
  onLine(`${DEFAULT_BASE} could not be pulled; falling back to debootstrap`);
  if (await engine.imageExists(BOOTSTRAP_BASE)) return { ref: BOOTSTRAP_BASE, source: 'bootstrap-existing' };
  await (opts.bootstrap ?? bootstrapDebian)(engine, BOOTSTRAP_BASE, onLine);
  return { ref: BOOTSTRAP_BASE, source: 'bootstrap-built' };
}

function runLogged(cmd: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const feed = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new TfError('IMAGE_BUILD_FAILED', `${cmd} exited with ${code}`, { details: { cmd, args, exitCode: code, output: tail } }));
    });
  });
}

/** `debootstrap --variant=minbase bookworm <tmp>` then `tar -C <tmp> -c . | docker import`. */
export async function bootstrapDebian(engine: ImageEngine, ref: string, onLine: (line: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tfactory-debootstrap-'));
  try {
    onLine(`debootstrap --variant=minbase bookworm ${dir}`);
    try {
      await runLogged('debootstrap', ['--variant=minbase', 'bookworm', dir, 'http://deb.debian.org/debian'], onLine);
    } catch (err) {
      throw new TfError('IMAGE_BUILD_FAILED', 'debootstrap failed', {
        cause: err,
        hint: 'Install debootstrap (apt-get install -y debootstrap) and run as root, or pass --base <image> with a Debian bookworm image you have.',
      });
    }
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await engine.importRootfs(tar.stdout, ref);
    onLine(`imported ${ref}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
