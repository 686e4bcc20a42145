import { describe, expect, it } from 'vitest';
import { PART_LABEL, reuseContainers } from '../../../src/sandbox/reuse-containers.js';
import type { ContainerSpec, ExecResult, ExecSpec, SandboxPort, SandboxSession } from '../../../src/sandbox/port.js';

function fakeBase() {
  const opened: ContainerSpec[] = [];
  const execs: Array<{ session: number; exec: ExecSpec }> = [];
  const closed: number[] = [];
  const result = (cmd: string[]): ExecResult => ({ exitCode: 0, stdout: cmd.join(' '), stderr: '', stdoutTruncated: false, stderrTruncated: false, durationMs: 1, endReason: 'exited', files: [] });
  const base: SandboxPort = {
    ping: async () => ({ reachable: true }),
    prepare: async () => ({ hostPath: '/x', cacheKey: 'k', cached: true }),
    run: async () => { throw new Error('run must not be called: every run becomes an exec'); },
    openSession: async (spec): Promise<SandboxSession> => {
      const n = opened.push(spec) - 1;
      let busy = false;
      return {
        id: `s${n}`,
        clearScratch: async () => {},
        exec: async (exec) => {
          expect(busy, 'one exec at a time per session').toBe(false);
          busy = true;
          await new Promise((r) => setTimeout(r, 5));
          busy = false;
          execs.push({ session: n, exec });
          return result(exec.cmd);
        },
        close: async () => { closed.push(n); },
      };
    },
  };
  return { base, opened, execs, closed };
}

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ image: 'img:1', workspace: '/w', mounts: [{ hostPath: '/g', containerPath: '/opt/g', readOnly: true }], limits: { timeoutMs: 1000 }, ...over });

describe('reuseContainers', () => {
  it('runs every command with the same container spec in one container, one at a time, and closes it', async () => {
    const f = fakeBase();
    const sandbox = reuseContainers(f.base);
    const outs = await Promise.all([1, 2, 3].map((i) => sandbox.run(spec({ labels: { n: String(i) } }), { cmd: ['echo', String(i)] })));
    expect(outs.map((o) => o.stdout)).toEqual(['echo 1', 'echo 2', 'echo 3']);
    expect(f.opened).toHaveLength(1);
    expect(sandbox.containersStarted()).toBe(1);
    expect(f.execs.every((e) => e.exec.timeoutMs === 1000)).toBe(true);
    await sandbox.close();
    expect(f.closed).toEqual([0]);
  });

  it('starts another container when the image, workspace, mounts, limits or grader part differ', async () => {
    const f = fakeBase();
    const sandbox = reuseContainers(f.base);
    await sandbox.run(spec(), { cmd: ['a'] });
    await sandbox.run(spec({ image: 'img:2' }), { cmd: ['b'] });
    await sandbox.run(spec({ mounts: [] }), { cmd: ['c'] });
    await sandbox.run(spec({ limits: { timeoutMs: 5, memoryBytes: 1 } }), { cmd: ['d'] });
    await sandbox.run(spec({ limits: { timeoutMs: 99 } }), { cmd: ['e'] });
    // A grader's parts (run-grader.ts) differ only by their part label: each gets its own container;
    // other labels are metadata.
    await sandbox.run(spec({ labels: { [PART_LABEL]: '1', n: 'x' } }), { cmd: ['f'] });
    await sandbox.run(spec({ labels: { [PART_LABEL]: '1', n: 'y' } }), { cmd: ['g'] });
    expect(sandbox.containersStarted()).toBe(5);
    expect(f.execs.find((e) => e.exec.cmd[0] === 'e')?.exec.timeoutMs).toBe(99);
    expect(f.execs.filter((e) => ['f', 'g'].includes(e.exec.cmd[0] ?? '')).map((e) => e.session)).toEqual([4, 4]);
    await sandbox.close();
    expect(f.closed.sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
