import { describe, expect, it } from 'vitest';
import { classifyExit, settledOomKilled } from '../../../src/sandbox/docker/run-container.js';

/**
 * Docker records an OOM kill from an event of its own, which can arrive after the container's exit:
 * the sandbox asks again before it calls a 137 exit 'killed' (the real kill is in sandbox.test.ts,
 * "reports an out-of-memory kill"; this is the order of events it once lost).
 */
function inspector(states: Array<boolean | 'fails'>) {
  let calls = 0;
  const inspect = async () => {
    const state = states[Math.min(calls, states.length - 1)] ?? false;
    calls += 1;
    if (state === 'fails') throw new Error('no such container (yet)');
    return { State: { OOMKilled: state } };
  };
  return { inspect, calls: () => calls };
}

describe('settledOomKilled', () => {
  it('waits for a late OOM flag on a 137 exit', async () => {
    const late = inspector([false, false, true]);
    const oom = await settledOomKilled(137, late.inspect);
    expect(oom).toBe(true);
    expect(late.calls()).toBe(3);
    expect(classifyExit(137, oom)).toEqual({ endReason: 'oom', exitCode: null });
  });

  it('calls a 137 exit whose flag never comes a kill, after ten more questions', async () => {
    const never = inspector([false]);
    const oom = await settledOomKilled(137, never.inspect);
    expect(oom).toBe(false);
    expect(never.calls()).toBe(1 + 10);
    expect(classifyExit(137, oom)).toEqual({ endReason: 'killed', exitCode: null });
  });

  it('asks once of an exit that is not a SIGKILL, or that already says OOM', async () => {
    const other = inspector([false, true]);
    expect(await settledOomKilled(1, other.inspect)).toBe(false);
    expect(other.calls()).toBe(1);
    const said = inspector([true]);
    expect(await settledOomKilled(137, said.inspect)).toBe(true);
    expect(said.calls()).toBe(1);
  });

  it('asks again when the first question fails', async () => {
    const failing = inspector(['fails', true]);
    expect(await settledOomKilled(137, failing.inspect)).toBe(true);
    expect(failing.calls()).toBe(2);
  });
});
