import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_INSPECTOR, tsGrader } from '../../src/languages/typescript/grader.js';
import { createDockerSandbox } from '../../src/sandbox/docker/index.js';
import type { SandboxPort } from '../../src/sandbox/port.js';
import { requireDocker } from '../helpers/docker.js';
import { ensureRunnerImage } from '../sandbox/runner-image.js';

const hasDocker = requireDocker();

/**
 * What a hostile test can do to any other Node process of its container (all run as one user): send
 * it SIGUSR1, which makes Node open its inspector on 127.0.0.1:9229, then attach over the loopback
 * and run code in it (the grader, the vitest main process that signs the results). Checked in the
 * real node runner image, with the TS grader's own environment, and without it as the control.
 */
describe.skipIf(!hasDocker)('a test cannot reach into another Node process of the TS grader\'s container', () => {
  let sandbox: SandboxPort;
  let image: string;
  let tempRoot: string;
  let workspace: string;

  // A Node process standing for the grader; the signal a test would send; then what listens on the
  // loopback (IPv4 and IPv6, state 0A = LISTEN) and whether the process is still there.
  const probe = [
    'node -e "setInterval(() => {}, 1000)" & P=$!; sleep 1;',
    'node -e "process.kill(Number(process.argv[1]), \'SIGUSR1\')" $P; sleep 1;',
    'echo LISTEN:; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; kill -0 $P && echo target-alive; kill $P',
  ].join(' ');
  const listening = (stdout: string): string[] => stdout.split('\n').filter((l) => l.trim().split(/\s+/)[3] === '0A');

  beforeAll(async () => {
    image = await ensureRunnerImage('node');
    tempRoot = await mkdtemp(join(tmpdir(), 'tf-inspector-root-'));
    workspace = await mkdtemp(join(tmpdir(), 'tf-inspector-ws-'));
    sandbox = createDockerSandbox({ tempRoot });
  }, 600_000);
  afterAll(async () => {
    await rm(tempRoot, { recursive: true, force: true });
    await rm(workspace, { recursive: true, force: true });
  });

  it('with the grader\'s environment: the signal opens nothing, and the process carries on', async () => {
    const env = tsGrader.env(1);
    expect(env.NODE_OPTIONS).toContain(NO_INSPECTOR);
    const r = await sandbox.run({ image, workspace, labels: { 'tfactory.test': 'inspector' } }, { cmd: ['sh', '-c', probe], env, timeoutMs: 60_000 });
    expect(r.stdout).toContain('LISTEN:');
    expect(listening(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('target-alive');
    expect(r.stderr).toMatch(/Starting inspector on 192\.0\.2\.1:9229 failed/);
  }, 120_000);

  it('cannot read another Node process\'s memory or environment: node is execute-only, so its processes are not dumpable', async () => {
    // /proc/<pid>/mem and environ of a Node process and, as the control, of `sleep` (a readable
    // binary), opened by another process of the same user.
    const open = 'node -e "const fs = require(\'fs\'); for (const f of process.argv.slice(1)) { try { fs.closeSync(fs.openSync(f, \'r\')); console.log(f.slice(6).replace(\'/\', \' \') + \' open\'); } catch (e) { console.log(f.slice(6).replace(\'/\', \' \') + \' \' + e.code); } }"';
    const script = [
      'node -e "setInterval(() => {}, 1000)" & N=$!; sleep 60 & S=$!; sleep 1;',
      `${open} /proc/$N/mem /proc/$N/environ /proc/$S/mem | sed "s/^$N /node /; s/^$S /sleep /";`,
      'kill $N $S',
    ].join(' ');
    const r = await sandbox.run({ image, workspace, labels: { 'tfactory.test': 'inspector' } }, { cmd: ['sh', '-c', script], env: tsGrader.env(1), timeoutMs: 60_000 });
    expect(r.stdout.trim().split('\n')).toEqual(['node mem EACCES', 'node environ EACCES', 'sleep mem open']);
  }, 120_000);

  it('without it (the control): the same signal opens a debugger on the loopback', async () => {
    const r = await sandbox.run({ image, workspace, labels: { 'tfactory.test': 'inspector' } }, { cmd: ['sh', '-c', probe], env: { NODE_OPTIONS: '--max-old-space-size=768' }, timeoutMs: 60_000 });
    expect(listening(r.stdout).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/Debugger listening on ws:\/\/127\.0\.0\.1:9229/);
  }, 120_000);
});
