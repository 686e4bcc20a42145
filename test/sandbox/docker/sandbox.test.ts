import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTfError } from '../../../src/errors.js';
import { createDockerSandbox, type DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { scratchUsage } from '../../../src/sandbox/docker/scratch.js';
import type { ContainerSpec } from '../../../src/sandbox/port.js';
import { requireDocker } from '../../helpers/docker.js';
import { ensurePythonImage } from '../runner-image.js';

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('docker sandbox (real engine)', () => {
  let image: string;
  let workspace: string;
  let tempRoot: string;
  let sandbox: DockerSandbox;
  const spec = (extra: Partial<ContainerSpec> = {}): ContainerSpec => ({ image, workspace, labels: { 'tfactory.test': 'sandbox' }, ...extra });

  beforeAll(async () => {
    image = await ensurePythonImage();
    workspace = await mkdtemp(join(tmpdir(), 'tf-ws-'));
    tempRoot = await mkdtemp(join(tmpdir(), 'tf-root-'));
    await writeFile(join(workspace, 'test_net.py'), [
      'import socket',
      'def test_outside():',
      '    socket.create_connection(("1.1.1.1", 80), timeout=3).close()',
      '',
    ].join('\n'));
    await writeFile(join(workspace, 'test_ok.py'), 'def test_ok():\n    assert 1 + 1 == 2\n');
    sandbox = createDockerSandbox({ tempRoot });
  });

  afterAll(async () => {
    if (sandbox) await sandbox.removeOrphans({ instanceId: sandbox.instanceId });
    await rm(workspace, { recursive: true, force: true });
    await rm(tempRoot, { recursive: true, force: true });
  });

  async function leftoverContainers(): Promise<number> {
    const out = await sandbox.removeOrphans({ instanceId: sandbox.instanceId });
    return out.containers.length;
  }

  it('runs pytest in the checkout and returns exit code and output', async () => {
    const r = await sandbox.run(spec(), { cmd: ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_ok.py'] });
    expect(r.endReason).toBe('exited');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('1 passed');
  });

  it('a test that opens a socket to an outside address fails', async () => {
    const r = await sandbox.run(spec(), { cmd: ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_net.py'] });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/1 failed/);
    expect(r.stdout).toMatch(/OSError|unreachable|Network/i);
  });

  it('cannot write into the checkout', async () => {
    const r = await sandbox.run(spec(), { cmd: ['sh', '-c', 'echo pwned > /workspace/pwned.txt'] });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(workspace, 'pwned.txt'))).toBe(false);
  });

  it('runs as the non-root runner user with a read-only root and no capabilities', async () => {
    const r = await sandbox.run(spec(), { cmd: ['sh', '-c', 'id -u; grep CapEff /proc/self/status; touch /usr/x 2>&1 || true'] });
    const [uid, cap] = r.stdout.split('\n');
    expect(uid).toBe('10001');
    expect(cap).toMatch(/CapEff:\s+0+$/);
    expect(r.stdout).toMatch(/Read-only file system/);
  });

  it('does not leak the host environment; only ExecSpec.env is set', async () => {
    process.env.GITHUB_TOKEN = 'ghp_fake0123456789abcdefFAKEFAKEFAKE';
    try {
      const r = await sandbox.run(spec(), { cmd: ['env'], env: { GIVEN_VAR: 'given' } });
      expect(r.stdout).toContain('GIVEN_VAR=given');
      expect(r.stdout).not.toContain('GITHUB_TOKEN');
      expect(r.stdout).not.toContain('ghp_fake');
    } finally {
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('kills `sleep 600` at the timeout and removes its container', async () => {
    const r = await sandbox.run(spec(), { cmd: ['sleep', '600'], timeoutMs: 1500 });
    expect(r.endReason).toBe('timeout');
    expect(r.exitCode).toBeNull();
    expect(await leftoverContainers()).toBe(0);
  });

  it('contains a fork bomb: the command ends and the engine still runs containers', async () => {
    const r = await sandbox.run(spec({ limits: { pids: 64 } }), { cmd: ['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 3; echo survived'], timeoutMs: 15_000 });
    expect(['exited', 'timeout', 'killed']).toContain(r.endReason);
    expect(r.stderr + r.stdout).toMatch(/Cannot fork|survived/);
    expect(await leftoverContainers()).toBe(0);
    const after = await sandbox.run(spec(), { cmd: ['echo', 'still here'] });
    expect(after.stdout.trim()).toBe('still here');
  });

  it('returns files written to /scratch and never follows symlinks out of it', async () => {
    const r = await sandbox.run(spec(), { cmd: ['sh', '-c', 'mkdir -p /scratch/a && printf hi > /scratch/a/b.txt && ln -s /etc/passwd /scratch/link'] });
    expect(r.exitCode).toBe(0);
    expect(r.files.map((f) => f.path)).toEqual(['a/b.txt']);
    expect(r.files[0]?.content.toString()).toBe('hi');
  });

  it('stops a command that fills /scratch past maxScratchBytes (disk-limit): one file never grows past the limit, whatever the host load', async () => {
    const limit = 256 * 1024 * 1024;
    const cmd = ['dd', 'if=/dev/zero', 'of=/scratch/big', 'bs=1M', 'count=2000'];
    const r = await sandbox.run(spec({ limits: { maxScratchBytes: limit } }), { cmd, timeoutMs: 60_000 });
    expect(r.endReason).toBe('disk-limit');
    expect(r.exitCode).toBeNull();
    expect(r.stderr).toMatch(/\/scratch used \d+ MB, over its limit of 256 MB \(disk-limit\)/);

    const s = await sandbox.openSession(spec({ limits: { maxScratchBytes: limit } }));
    try {
      const e = await s.exec({ cmd, timeoutMs: 60_000 });
      expect(e.endReason).toBe('disk-limit');
      expect(e.exitCode).toBeNull();
      // The session's folder is still there: the kernel's file-size limit held the file to one byte over.
      const used = await scratchUsage(tempRoot);
      expect(used).toBeGreaterThan(limit);
      expect(used).toBeLessThan(limit + 1024 * 1024);
      // The session stays usable after the kill.
      await s.clearScratch();
      expect((await s.exec({ cmd: ['echo', 'next'] })).stdout.trim()).toBe('next');
    } finally {
      await s.close();
    }
    expect(await leftoverContainers()).toBe(0);
  });

  it('stops a command that spreads past maxScratchBytes over many files below it (disk-limit), by the poll or the check after it', async () => {
    const limit = 64 * 1024 * 1024;
    const cmd = ['sh', '-c', 'i=0; while [ $i -lt 40 ]; do dd if=/dev/zero of=/scratch/f$i bs=1M count=16 2>/dev/null || exit 3; i=$((i+1)); done'];
    const r = await sandbox.run(spec({ limits: { maxScratchBytes: limit } }), { cmd, timeoutMs: 60_000 });
    expect(r.endReason).toBe('disk-limit');
    expect(r.stderr).toMatch(/over its limit of 64 MB \(disk-limit\)/);
    // Under the limit, the same loop ends as usual.
    const ok = await sandbox.run(spec({ limits: { maxScratchBytes: limit } }), { cmd: ['sh', '-c', 'dd if=/dev/zero of=/scratch/f bs=1M count=8 2>/dev/null'], timeoutMs: 60_000 });
    expect(ok.endReason).toBe('exited');
    expect(ok.exitCode).toBe(0);
    expect(await leftoverContainers()).toBe(0);
  });

  it('bounds the output and flags the truncation', async () => {
    const r = await sandbox.run(spec({ limits: { maxOutputBytes: 1000 } }), { cmd: ['sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" x; echo err >&2'] });
    expect(r.stdout.length).toBe(1000);
    expect(r.stdoutTruncated).toBe(true);
    expect(r.stderr).toBe('err\n');
    expect(r.stderrTruncated).toBe(false);
  });

  it('passes stdin to the command', async () => {
    const r = await sandbox.run(spec(), { cmd: ['python3', '-c', 'import sys; print(sys.stdin.read().upper())'], stdin: 'hello' });
    expect(r.stdout.trim()).toBe('HELLO');
  });

  it('reports an out-of-memory kill', async () => {
    const r = await sandbox.run(spec({ limits: { memoryBytes: 64 * 1024 * 1024 } }), { cmd: ['python3', '-c', 'x = bytearray(400 * 1024 * 1024); print(len(x))'] });
    expect(r.endReason).toBe('oom');
    expect(r.exitCode).toBeNull();
  });

  it('stops a run when the AbortSignal fires', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 800);
    const r = await sandbox.run(spec(), { cmd: ['sleep', '600'] }, ac.signal);
    expect(r.endReason).toBe('cancelled');
    expect(await leftoverContainers()).toBe(0);
  });

  it('throws IMAGE_MISSING with a hint for an image that is not built', async () => {
    const err = await sandbox.run(spec({ image: 'tfactory/runner-python:000000000000' }), { cmd: ['true'] }).catch((e: unknown) => e);
    expect(isTfError(err, 'IMAGE_MISSING')).toBe(true);
    expect((err as Error & { hint?: string }).hint).toMatch(/tfactory images build/);
  });

  it('a session leaves no abort listener on the run\'s signal once it is closed', async () => {
    const run = new AbortController();
    for (let i = 0; i < 3; i++) {
      const session = await sandbox.openSession(spec(), run.signal);
      expect(EventEmitter.getEventListeners(run.signal, 'abort')).toHaveLength(1);
      await session.close();
    }
    expect(EventEmitter.getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('session mode runs several execs in one container, each with its own timeout', async () => {
    const session = await sandbox.openSession(spec());
    try {
      const a = await session.exec({ cmd: ['sh', '-c', 'echo one > /tmp/state; hostname'] });
      const b = await session.exec({ cmd: ['sh', '-c', 'cat /tmp/state; hostname'] });
      expect(a.exitCode).toBe(0);
      expect(b.stdout.split('\n')[0]).toBe('one');
      expect(b.stdout.split('\n')[1]).toBe(a.stdout.trim());
      const slow = await session.exec({ cmd: ['sh', '-c', 'sleep 600 & sleep 600'], timeoutMs: 1500 });
      expect(slow.endReason).toBe('timeout');
      const c = await session.exec({ cmd: ['sh', '-c', 'for p in /proc/[0-9]*; do cat $p/comm; done | grep -c sleep; echo done'], env: { X: '1' } });
      expect(c.stdout).toContain('done');
      expect(c.stdout.split('\n')[0]).toBe('1');
      const pytest = await session.exec({ cmd: ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_ok.py'] });
      expect(pytest.exitCode).toBe(0);
      const w = await session.exec({ cmd: ['sh', '-c', 'printf x > /scratch/out.txt'] });
      expect(w.files.map((f) => f.path)).toEqual(['out.txt']);
      await session.clearScratch();
      const e = await session.exec({ cmd: ['true'] });
      expect(e.files).toEqual([]);
    } finally {
      await session.close();
    }
    expect(await leftoverContainers()).toBe(0);
  });

  it('leaves no container and no temp folder after 20 mixed runs', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tf-mixed-'));
    const sb = createDockerSandbox({ tempRoot: own });
    try {
      for (let i = 0; i < 20; i++) {
        const kind = i % 5;
        if (kind === 0) await sb.run(spec(), { cmd: ['sh', '-c', 'echo x > /scratch/f; exit 3'] });
        else if (kind === 1) await sb.run(spec(), { cmd: ['sleep', '60'], timeoutMs: 500 });
        else if (kind === 2) await sb.run(spec({ image: 'tfactory/runner-python:000000000000' }), { cmd: ['true'] }).catch(() => undefined);
        else if (kind === 3) {
          const ac = new AbortController();
          setTimeout(() => ac.abort(), 300);
          await sb.run(spec(), { cmd: ['sleep', '60'] }, ac.signal);
        } else {
          const s = await sb.openSession(spec());
          await s.exec({ cmd: ['sh', '-c', 'echo y > /scratch/g'] });
          await s.close();
        }
      }
      const left = await sb.removeOrphans({ instanceId: sb.instanceId });
      expect(left.containers).toEqual([]);
      expect(await readdir(own)).toEqual([]);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});

describe('docker sandbox without an engine', () => {
  it('reports ENGINE_UNREACHABLE with a hint when nothing listens at DOCKER_HOST', async () => {
    const sb = createDockerSandbox({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    const info = await sb.ping();
    expect(info.reachable).toBe(false);
    const err = await sb.run({ image: 'x', workspace: tmpdir() }, { cmd: ['true'] }).catch((e: unknown) => e);
    expect(isTfError(err, 'ENGINE_UNREACHABLE')).toBe(true);
    expect((err as Error & { hint?: string }).hint).toMatch(/scripts\/setup\.sh/);
    expect((err as Error & { hint?: string }).hint).toMatch(/DOCKER_HOST/);
  });
});
