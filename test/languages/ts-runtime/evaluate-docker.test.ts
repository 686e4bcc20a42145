import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GraderResult } from '../../../src/languages/types.js';
import { tsRuntimeDir } from '../../../src/languages/typescript/runtime-path.js';
import { PACKAGE_ROOT } from '../../../src/version.js';
import { requireDocker } from '../../helpers/docker.js';
import { baseInput, FIXTURE, testNamed } from './run-grader.js';

const hasDocker = requireDocker();

function runnerImage(): string | undefined {
  const out = execFileSync('docker', ['images', 'tfactory/runner-node', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' });
  return out.split('\n').find((l) => l.trim() !== '');
}

describe.skipIf(!hasDocker)('TS grader inside the node runner image', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tf-ts-runtime-docker-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('evaluates the fixture offline, read-only, as a non-root user', (ctx) => {
    const image = runnerImage();
    if (!image) {
      console.warn('*** SKIPPING: no tfactory/runner-node image; run `tfactory images build`. ***');
      ctx.skip();
      return;
    }
    chmodSync(scratch, 0o777);
    const input = baseInput({
      candidateFiles: ['test/pricing.good.test.ts', 'test/pricing.loyalty.test.ts'],
      mutation: true, maxMutants: 6, baseDir: '/base',
    });
    writeFileSync(join(scratch, 'input.json'), JSON.stringify(input));
    execFileSync('docker', [
      'run', '--rm', '--network', 'none', '--read-only', '--tmpfs', '/tmp', '--user', '10001:10001',
      '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--label', 'tfactory.purpose=ts-runtime-test',
      '-v', `${join(FIXTURE, 'head')}:/workspace:ro`, '-v', `${join(FIXTURE, 'base')}:/base:ro`,
      '-v', `${join(PACKAGE_ROOT, 'node_modules')}:/deps/node_modules:ro`,
      '-v', `${join(PACKAGE_ROOT, 'node_modules', 'typescript')}:/opt/tfactory/node_modules/typescript:ro`,
      '-v', `${tsRuntimeDir()}:/opt/tfactory/ts-runtime:ro`, '-v', `${scratch}:/scratch`,
      image, 'node', '/opt/tfactory/ts-runtime/evaluate.mjs', '--input', '/scratch/input.json',
    ], { stdio: 'pipe', timeout: 600_000 });
    const result = JSON.parse(readFileSync(join(scratch, 'result.json'), 'utf8')) as GraderResult;
    expect(result.errors).toEqual([]);
    expect(result.mutants).toHaveLength(6);
    const loyalty = testNamed(result, 'test/pricing.loyalty.test.ts::doubles points for members');
    expect(loyalty.runs[0]?.outcome).toBe('passed');
    expect(loyalty.onBase?.outcome).not.toBe('passed');
    const good = testNamed(result, 'test/pricing.good.test.ts::shippingFee > is free from exactly 50');
    expect(good.coveredChanged).toEqual({ 'src/pricing.ts': [15] });
    expect(result.tests.some((t) => t.mutants.killed.some((k) => k.by === 'assertion'))).toBe(true);
  }, 600_000);
});
