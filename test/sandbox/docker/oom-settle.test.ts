import { describe, expect, it } from 'vitest';
import { classifyExit, settledOomKilled } from '../../../src/sandbox/docker/run-container.js';

/**
 * Docker records an OOM kill from an event of its own, which can arrive after the container's exit:
 * the sandbox asks again before it calls a 137 exit 'killed' (the real kill is in sandbox.test.ts,
 * "reports an out-of-memory kill"; this is the order of events it once lost).
 */
function inspector(states: boolean[]) {
  let calls = 0;
  const inspect = async () => {
    const oom = states[Math.min(calls, states.length - 1)] ?? false;
    calls += 1;
    return { State: { OOMKilled: oom } };
  };
  return { inspect, calls: () => calls };
}

describe('settledOomKilled', () => {
  it('waits for a late OOM flag on a 137 exit', async () => {
    const late = inspector([false, false, true]);
    const oom = await settledOomKilled(137, { State: { OOMKilled: false } }, late.inspect);
    expect(oom).toBe(true);
    expect(late.calls()).toBe(3);
    expect(classifyExit(137, oom)).toEqual({ endReason: 'oom', exitCode: null });
  });

  it('calls a 137 exit whose flag never comes a kill, after ten more questions', async () => {
    const never = inspector([false]);
    const oom = await settledOomKilled(137, { State: { OOMKilled: false } }, never.inspect);
    expect(oom).toBe(false);
    expect(never.calls()).toBe(10);
    expect(classifyExit(137, oom)).toEqual({ endReason: 'killed', exitCode: null });
  });

  it('asks nothing more of an exit that is not a SIGKILL, or already says OOM', async () => {
    const unused = inspector([true]);
    expect(await settledOomKilled(1, { State: { OOMKilled: false } }, unused.inspect)).toBe(false);
    expect(await settledOomKilled(137, { State: { OOMKilled: true } }, unused.inspect)).toBe(true);
    expect(await settledOomKilled(137, undefined, unused.inspect)).toBe(true);
    expect(unused.calls()).toBe(1);
  });
});
