import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BoundedOutput } from '../../../src/sandbox/docker/bounded-output.js';

async function collect(chunks: string[], limit: number): Promise<BoundedOutput> {
  const out = new BoundedOutput(limit);
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), out);
  return out;
}

describe('BoundedOutput', () => {
  it('keeps everything up to the limit', async () => {
    const out = await collect(['abc', 'def'], 6);
    expect(out.text()).toBe('abcdef');
    expect(out.truncated).toBe(false);
  });

  it('keeps the first bytes and marks the rest dropped, across and within chunks', async () => {
    const across = await collect(['abcd', 'efgh', 'ij'], 6);
    expect(across.text()).toBe('abcdef');
    expect(across.truncated).toBe(true);
    const within = await collect(['abcdefgh'], 3);
    expect(within.text()).toBe('abc');
    expect(within.truncated).toBe(true);
  });

  it('keeps nothing with a zero limit but still says output arrived', async () => {
    const out = await collect(['x'], 0);
    expect(out.text()).toBe('');
    expect(out.truncated).toBe(true);
    expect((await collect([], 0)).truncated).toBe(false);
  });
});
