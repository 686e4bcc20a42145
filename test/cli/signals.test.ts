import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, onStopSignals, type SignalTarget, type StopSignal } from '../../src/cli/signals.js';

describe('stop signals', () => {
  it('the first SIGINT or SIGTERM stops the work, the second forces; removing the handlers leaves none', () => {
    const target = new EventEmitter();
    const first: StopSignal[] = [];
    const forced: StopSignal[] = [];
    const remove = onStopSignals((s) => first.push(s), { target: target as unknown as SignalTarget, force: (s) => forced.push(s) });
    target.emit('SIGTERM');
    expect(first).toEqual(['SIGTERM']);
    expect(forced).toEqual([]);
    target.emit('SIGINT');
    expect(first).toEqual(['SIGTERM']);
    expect(forced).toEqual(['SIGINT']);
    remove();
    expect(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM')).toBe(0);
  });

  it('exit status is 128 + the signal number', () => {
    expect(exitCodeOf('SIGINT')).toBe(130);
    expect(exitCodeOf('SIGTERM')).toBe(143);
  });
});
