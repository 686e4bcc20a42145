import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker.js';

/**
 * The app image (Dockerfile) builds with scripts/build-app-image.sh — no registry, the host's extra
 * CAs for a TLS-inspecting proxy — and its CLI works inside it against the host's engine through the
 * mounted socket. Cached layers make a rebuild fast; the first build takes minutes.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const IMAGE = 'tfactory/app:test';
const hasDocker = requireDocker();
// TFACTORY_HOME: mounted at the same path inside and out (the sandbox's bind mounts are host paths).
const home = mkdtempSync(join(tmpdir(), 'tfactory-app-home-'));
// The image runs as uid 10010 (never root): it owns TFACTORY_HOME and joins the socket's group.
chownSync(home, 10010, 10010);
const socketGid = (() => {
  try {
    return String(statSync('/var/run/docker.sock').gid);
  } catch {
    return undefined;
  }
})();
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Runs a command in the image (host socket, a same-path TFACTORY_HOME volume); stdout, stderr, exit code. */
function inImage(args: string[], extra: string[] = []): { stdout: string; stderr: string; status: number | null } {
  const name = `tfactory-app-image-test-${process.pid}-${Date.now()}`;
  try {
    const r = spawnSync(
      'docker',
      ['run', '--rm', '--name', name, '--label', 'tfactory.test=app-image', ...(socketGid ? ['--group-add', socketGid] : []), ...extra, '-v', '/var/run/docker.sock:/var/run/docker.sock', '-e', `TFACTORY_HOME=${home}`, '-v', `${home}:${home}`, IMAGE, ...args],
      { encoding: 'utf8', timeout: 120_000 },
    );
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  }
}

describe.skipIf(!hasDocker)('the app image', () => {
  it('builds without a registry and runs the CLI against the host engine', () => {
    execFileSync('bash', [join(ROOT, 'scripts', 'build-app-image.sh'), '--no-build'], {
      cwd: ROOT, env: { ...process.env, TFACTORY_APP_IMAGE: IMAGE }, stdio: 'pipe', timeout: 1_200_000, maxBuffer: 64 * 1024 * 1024,
    });
    const version = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").version)'], { cwd: ROOT, encoding: 'utf8' })) as string;
    const v = inImage(['node', 'bin/tfactory.js', '--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toContain(version);

    // doctor reaches the host's engine through the socket and sees the runner images the host built.
    const d = inImage(['node', 'bin/tfactory.js', 'doctor', '--json']);
    const doctor = JSON.parse(d.stdout) as { engine?: { reachable?: boolean; apiVersion?: string }; images?: { allCurrent?: boolean } };
    expect(doctor.engine?.reachable, d.stdout + d.stderr).toBe(true);
    expect(doctor.images?.allCurrent, d.stdout).toBe(true);
  }, 1_500_000);

  it('runs as its own non-root user and refuses to run as root', () => {
    const id = inImage(['id', '-u']);
    expect(id.stdout.trim(), id.stderr).toBe('10010');
    const root = inImage(['id', '-u'], ['--user', '0']);
    expect(root.status).toBe(1);
    expect(root.stderr).toContain('refusing to run as root');
  }, 180_000);

  it('refuses to start the server without the GitHub App settings, naming them', () => {
    const r = inImage(['node', 'dist/index.js']);
    expect(r.status).toBe(1);
    const stderr = r.stderr;
    expect(stderr).toMatch(/APP_ID/);
    expect(stderr).toMatch(/PRIVATE_KEY or PRIVATE_KEY_PATH/);
    expect(stderr).toMatch(/WEBHOOK_SECRET/);
  }, 180_000);
});
