import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { raceEnd, settleWithin, streamEnded } from '../../../src/sandbox/docker/race.js';

const never = new Promise<never>(() => {});

describe('raceEnd', () => {
  it('returns the value when the work finishes first', async () => {
    expect(await raceEnd(Promise.resolve(7), 1_000)).toEqual({ kind: 'done', value: 7 });
  });

  it('stops waiting at the timeout', async () => {
    expect(await raceEnd(never, 5)).toEqual({ kind: 'timeout' });
  });

  it('stops waiting when the signal aborts, or at once when it already has', async () => {
    const controller = new AbortController();
    const pending = raceEnd(never, 10_000, controller.signal);
    controller.abort();
    expect(await pending).toEqual({ kind: 'cancelled' });
    expect(await raceEnd(Promise.resolve(1), 10_000, controller.signal)).toEqual({ kind: 'cancelled' });
  });

  it('rejects with the work\'s error, as an Error', async () => {
    await expect(raceEnd(Promise.reject(new Error('engine gone')), 1_000)).rejects.toThrow('engine gone');
    await expect(raceEnd(Promise.reject(new Error('x')).catch(() => Promise.reject('plain')), 1_000)).rejects.toThrow('plain');
  });

  it('ignores a failure that comes after the timeout', async () => {
    let fail: (e: Error) => void = () => {};
    const work = new Promise<number>((_, reject) => (fail = reject));
    expect(await raceEnd(work, 5)).toEqual({ kind: 'timeout' });
    fail(new Error('late'));
  });
});

describe('settleWithin', () => {
  it('is true when the promise settles in time, either way', async () => {
    expect(await settleWithin(Promise.resolve(), 1_000)).toBe(true);
    expect(await settleWithin(Promise.reject(new Error('x')), 1_000)).toBe(true);
  });

  it('is false when time runs out first', async () => {
    expect(await settleWithin(never, 5)).toBe(false);
  });
});

describe('streamEnded', () => {
  it.each([
    ['end', (s: PassThrough) => (s.resume(), s.end())],
    ['close', (s: PassThrough) => s.destroy()],
    ['error', (s: PassThrough) => s.destroy(new Error('broken pipe'))],
  ])('resolves on %s', async (_name, finish) => {
    const stream = new PassThrough();
    const ended = streamEnded(stream);
    finish(stream);
    await expect(ended).resolves.toBeUndefined();
  });
});
