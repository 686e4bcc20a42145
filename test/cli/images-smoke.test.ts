import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { requireDocker } from '../helpers/docker.js';

const docker = requireDocker();

/** `tfactory images smoke` runs a sample pytest project in the real sandbox and reads the runner's own JUnit report back. */
describe.skipIf(!docker)('tfactory images smoke', () => {
  it('passes, with both sample tests counted from the JUnit report', async () => {
    let out = '';
    const io: CliIo = { stdout: (t) => { out += t; }, stderr: () => {}, env: process.env, cwd: process.cwd(), isTty: false };
    expect(await main(['images', 'smoke'], io)).toBe(0);
    expect(out).toContain('JUnit report: 2/2 passed, 0 failed, 0 errors');
    expect(out).toContain('Smoke run passed.');
  }, 120_000);
});
