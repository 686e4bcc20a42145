import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionOk, run } from '../../../src/cli/commands/doctor.js';
import type { CliIo } from '../../../src/cli/io.js';
import { requireDocker } from '../../helpers/docker.js';
import { ensurePythonImage } from '../runner-image.js';

function captureIo(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, env, cwd: process.cwd(), isTty: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

const hasDocker = requireDocker();

describe('tfactory doctor', () => {
  it('accepts Node ^20.18.1 || >=22 only', () => {
    expect(nodeVersionOk('v20.20.2')).toBe(true);
    expect(nodeVersionOk('v22.0.0')).toBe(true);
    expect(nodeVersionOk('v20.18.0')).toBe(false);
    expect(nodeVersionOk('v18.19.0')).toBe(false);
  });

  it('reports an unreachable engine with a clear error and exits non-zero', async () => {
    const io = captureIo({ DOCKER_HOST: 'unix:///nonexistent/tfactory-test/docker.sock', OPENAI_API_KEY: 'sk-secret-value' });
    const code = await run(['--json'], io);
    const report = JSON.parse(io.out.join(''));
    expect(code).toBe(1);
    expect(report.engine.reachable).toBe(false);
    expect(report.engine.error).toMatch(/not reachable/);
    expect(report.engine.hint).toMatch(/setup\.sh/);
    expect(report.credentials.OPENAI_API_KEY).toBe(true);
    expect(io.out.join('')).not.toContain('sk-secret-value');
  });

  it('reports the extra CA certificates dependency installs trust, and a TFACTORY_CA_BUNDLE that names nothing as a problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-doctor-ca-'));
    try {
      const pem = join(dir, 'proxy.pem');
      writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const io = captureIo({ DOCKER_HOST: 'tcp://127.0.0.1:1', TFACTORY_CA_BUNDLE: pem });
      await run(['--json'], io);
      expect(JSON.parse(io.out.join('')).caBundle).toEqual({ certificates: 1, source: `TFACTORY_CA_BUNDLE=${pem}` });
      const text = captureIo({ DOCKER_HOST: 'tcp://127.0.0.1:1', TFACTORY_CA_BUNDLE: pem });
      await run([], text);
      expect(text.out.join('')).toContain(`✓ dependency installs trust 1 extra CA certificate(s) from TFACTORY_CA_BUNDLE=${pem}`);
      const bad = captureIo({ DOCKER_HOST: 'tcp://127.0.0.1:1', TFACTORY_CA_BUNDLE: join(dir, 'missing.pem') });
      await run(['--json'], bad);
      const report = JSON.parse(bad.out.join(''));
      expect(report.problems).toContain(`TFACTORY_CA_BUNDLE names ${join(dir, 'missing.pem')}, which does not exist`);
      expect(report.caBundle.error).toMatch(/→ set TFACTORY_CA_BUNDLE to a PEM file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a refused TCP port the same way', async () => {
    const io = captureIo({ DOCKER_HOST: 'tcp://127.0.0.1:1' });
    expect(await run([], io)).toBe(1);
    expect(io.out.join('')).toMatch(/✗ Docker engine not reachable at tcp:\/\/127\.0\.0\.1:1/);
  });

  it.skipIf(!hasDocker)('--json reports the engine and the runner images', async () => {
    const ref = await ensurePythonImage();
    const io = captureIo({ ...process.env, ANTHROPIC_API_KEY: 'sk-ant-fake' });
    await run(['--json'], io);
    const report = JSON.parse(io.out.join(''));
    expect(report.engine.reachable).toBe(true);
    expect(report.engine.version).toBeTruthy();
    const python = report.images.runners.find((r: { name: string }) => r.name === 'python');
    expect(python).toMatchObject({ expected: ref, current: true });
    expect(report.credentials.ANTHROPIC_API_KEY).toBe(true);
    expect(io.out.join('')).not.toContain('sk-ant-fake');
  });
});
