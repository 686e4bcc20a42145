import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TfError } from '../../errors.js';
import type { ExtraMount } from '../port.js';

/** Where the extra certificates are mounted (read-only) in the prepare container. */
export const CA_CONTAINER_PATH = '/opt/tfactory/ca/extra.pem';
/** The system bundle plus the extra certificates, written by the prepare script into its own tmpfs. */
export const CA_COMBINED_PATH = '/tmp/tfactory-ca.pem';

/**
 * Folders where a host keeps the certificates it trusts beyond its distribution's bundle (Debian and
 * Ubuntu, Fedora and RHEL, Arch): a TLS-inspecting proxy's CA is installed there.
 */
export const HOST_EXTRA_CA_DIRS = ['/usr/local/share/ca-certificates', '/etc/pki/ca-trust/source/anchors', '/etc/ca-certificates/trust-source/anchors'];

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

export interface CaBundle {
  /** The bundle file on the host (PEM certificates only), mounted read-only at CA_CONTAINER_PATH. */
  hostPath: string;
  /** Where the certificates came from, for the log. */
  source: string;
  certificates: number;
}

async function pemFilesIn(dir: string, depth = 0): Promise<string[]> {
  const out: string[] = [];
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of names.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory() && depth < 2) out.push(...(await pemFilesIn(p, depth + 1)));
    else if (/\.(crt|pem)$/i.test(e.name) && (await stat(p).catch(() => undefined))?.isFile()) out.push(p);
  }
  return out;
}

async function certificatesOf(paths: string[]): Promise<string[]> {
  const certs: string[] = [];
  let bytes = 0;
  for (const p of paths) {
    const text = await readFile(p, 'utf8').catch(() => '');
    bytes += text.length;
    if (bytes > MAX_BUNDLE_BYTES) break;
    certs.push(...(text.match(PEM) ?? []));
  }
  return certs;
}

const HINT = 'set TFACTORY_CA_BUNDLE to a PEM file (or a folder of .crt/.pem files) holding the CA your TLS-inspecting proxy signs with, or to "none"';

/**
 * The extra CA certificates the prepare container must trust, or undefined when there are none:
 * TFACTORY_CA_BUNDLE (a PEM file or a folder of them; "none" turns it off), else the host's extra
 * certificates (HOST_EXTRA_CA_DIRS), else the file NODE_EXTRA_CA_CERTS names. Reads only.
 */
export async function findCaCertificates(env: NodeJS.ProcessEnv, hostDirs = HOST_EXTRA_CA_DIRS): Promise<{ certs: string[]; source: string } | undefined> {
  const setting = env.TFACTORY_CA_BUNDLE?.trim();
  if (setting && /^(none|off|false|0)$/i.test(setting)) return undefined;
  if (setting) {
    const st = await stat(setting).catch(() => undefined);
    if (!st) throw new TfError('CONFIG_INVALID', `TFACTORY_CA_BUNDLE names ${setting}, which does not exist`, { hint: HINT });
    const certs = await certificatesOf(st.isDirectory() ? await pemFilesIn(setting) : [setting]);
    if (certs.length === 0) throw new TfError('CONFIG_INVALID', `TFACTORY_CA_BUNDLE (${setting}) holds no PEM certificate`, { hint: HINT });
    return { certs, source: `TFACTORY_CA_BUNDLE=${setting}` };
  }
  for (const dir of hostDirs) {
    const certs = await certificatesOf(await pemFilesIn(dir));
    if (certs.length > 0) return { certs, source: dir };
  }
  const nodeExtra = env.NODE_EXTRA_CA_CERTS?.trim();
  if (nodeExtra && existsSync(nodeExtra)) {
    const certs = await certificatesOf([nodeExtra]);
    if (certs.length > 0) return { certs, source: `NODE_EXTRA_CA_CERTS=${nodeExtra}` };
  }
  return undefined;
}

/**
 * findCaCertificates, copied into one file under `cacheRoot` (named by their hash) to mount into the
 * prepare container, so only PEM blocks reach it.
 */
export async function resolveCaBundle(env: NodeJS.ProcessEnv, cacheRoot: string, hostDirs = HOST_EXTRA_CA_DIRS): Promise<CaBundle | undefined> {
  const found = await findCaCertificates(env, hostDirs);
  if (!found) return undefined;
  const body = `${found.certs.join('\n')}\n`;
  const dir = join(cacheRoot, '.ca');
  const hostPath = join(dir, `${createHash('sha256').update(body).digest('hex').slice(0, 24)}.pem`);
  if (!existsSync(hostPath)) {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const tmp = `${hostPath}.${process.pid}.tmp`;
    await writeFile(tmp, body, { mode: 0o644 });
    await rename(tmp, hostPath);
  }
  return { hostPath, source: found.source, certificates: found.certs.length };
}

/** The read-only mount of the bundle into the prepare container. */
export function caMount(bundle: CaBundle): ExtraMount {
  return { hostPath: bundle.hostPath, containerPath: CA_CONTAINER_PATH, readOnly: true };
}

/** Variables that make npm, pnpm, yarn (classic and berry) and pip trust the combined bundle. */
export function caEnv(): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: CA_CONTAINER_PATH,
    npm_config_cafile: CA_COMBINED_PATH,
    YARN_HTTPS_CA_FILE_PATH: CA_COMBINED_PATH,
    PIP_CERT: CA_COMBINED_PATH,
    REQUESTS_CA_BUNDLE: CA_COMBINED_PATH,
    SSL_CERT_FILE: CA_COMBINED_PATH,
  };
}

/** Shell line that writes CA_COMBINED_PATH: the image's system bundle (when it has one) plus the extra certificates. */
export function caCombineLine(): string {
  return `cat /etc/ssl/certs/ca-certificates.crt "${CA_CONTAINER_PATH}" > "${CA_COMBINED_PATH}" 2>/dev/null || cp "${CA_CONTAINER_PATH}" "${CA_COMBINED_PATH}"`;
}
