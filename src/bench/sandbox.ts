/**
 * `npm run bench:sandbox`: what a container costs. Prints the start/stop overhead (median of 10) and
 * the wall time of 20 small pytest tests run as 20 containers, as one container with 20 execs, and as
 * one pytest invocation, with the ratios side by side. Figures are printed, never asserted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerSandbox } from '../sandbox/docker/index.js';
import { requireRunnerImage } from '../sandbox/images/index.js';
import type { ContainerSpec, ExecResult } from '../sandbox/port.js';

const TESTS = 20;
const PYTEST = ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

function check(r: ExecResult, what: string): void {
  if (r.exitCode !== 0) throw new Error(`${what} failed (${r.endReason}, exit ${r.exitCode}): ${r.stdout.slice(-500)}${r.stderr.slice(-500)}`);
}

async function writeTests(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < TESTS; i++) {
    const name = `test_case_${String(i).padStart(2, '0')}.py`;
    await writeFile(join(dir, name), `def test_case_${i}():\n    assert sum(range(${i + 10})) == ${((i + 10) * (i + 9)) / 2}\n`);
    files.push(name);
  }
  return files;
}

export async function benchSandbox(out: (line: string) => void): Promise<void> {
  const sandbox = createDockerSandbox();
  const image = await requireRunnerImage('python', { engine: sandbox.images });
  const ws = await mkdtemp(join(tmpdir(), 'tfactory-bench-'));
  try {
    const files = await writeTests(ws);
    const spec: ContainerSpec = { image, workspace: ws, labels: { 'tfactory.purpose': 'bench' } };
    out(`image ${image}, ${TESTS} pytest tests, engine ${(await sandbox.ping()).version}`);

    await sandbox.run(spec, { cmd: ['true'] }); // warm-up
    const overhead: number[] = [];
    for (let i = 0; i < 10; i++) overhead.push((await timed(() => sandbox.run(spec, { cmd: ['true'] })))[0]);
    const session = await sandbox.openSession(spec);
    const execOverhead: number[] = [];
    try {
      for (let i = 0; i < 10; i++) execOverhead.push((await timed(() => session.exec({ cmd: ['true'] })))[0]);
    } finally {
      await session.close();
    }

    const [perContainer] = await timed(async () => {
      for (const f of files) check(await sandbox.run(spec, { cmd: [...PYTEST, f] }), f);
    });
    const [perExec] = await timed(async () => {
      const s = await sandbox.openSession(spec);
      try {
        for (const f of files) check(await s.exec({ cmd: [...PYTEST, f] }), f);
      } finally {
        await s.close();
      }
    });
    const [single] = await timed(async () => check(await sandbox.run(spec, { cmd: [...PYTEST, ...files] }), 'all tests'));

    const ms = (x: number): string => `${x.toFixed(0).padStart(7)} ms`;
    out('');
    out(`container start+stop overhead (run \`true\`, median of 10): ${ms(median(overhead))}`);
    out(`exec overhead in an open session (median of 10):          ${ms(median(execOverhead))}`);
    out('');
    out(`${TESTS} tests as …                      wall time    vs one pytest`);
    out(`  ${TESTS} containers (one test each)     ${ms(perContainer)}    ${(perContainer / single).toFixed(1)}x`);
    out(`  1 container, ${TESTS} execs              ${ms(perExec)}    ${(perExec / single).toFixed(1)}x`);
    out(`  1 container, 1 pytest invocation   ${ms(single)}    1.0x`);
  } finally {
    await sandbox.removeOrphans({ instanceId: sandbox.instanceId });
    await rm(ws, { recursive: true, force: true });
  }
}

await benchSandbox((line) => console.log(line));
