import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../../helpers/docker.js';
import type { GraderInput, GraderResult, GradedTest } from '../../../src/languages/types.js';
import { parseGraderResult } from '../../../src/languages/grader-result.js';
import { pythonGraderCommand, pythonRuntimeDir, PYTHON_RUNTIME_MOUNT } from '../../../src/languages/python/runtime-path.js';
import { lineOf, SOURCE, stageFixture } from './runtime-helpers.js';

const hasDocker = requireDocker();

/** The newest tfactory/runner-python image, if one has been built. */
function findRunnerImage(): string | undefined {
  if (!hasDocker) return undefined;
  const out = execFileSync('docker', ['images', 'tfactory/runner-python', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.endsWith(':<none>'));
}

const image = findRunnerImage();
if (hasDocker && image === undefined) console.warn('\n*** SKIPPING the in-image Python runtime test: no tfactory/runner-python image (tfactory images build) ***\n');

const NETWORK_TEST = `import socket


def test_reaches_the_network():
    socket.create_connection(("93.184.216.34", 80), timeout=3).close()
`;

describe.skipIf(!hasDocker || image === undefined)('python evaluation runtime inside the runner image', () => {
  const staged = stageFixture();
  const scratch = join(staged.dir, 'scratch');
  const name = `tf-pyrt-test-${process.pid}`;
  let result: GraderResult;
  const test = (n: string): GradedTest => {
    const found = result.tests.find((t) => t.name === n);
    if (!found) throw new Error(`no test ${n}`);
    return found;
  };

  beforeAll(() => {
    mkdirSync(scratch);
    chmodSync(scratch, 0o777);
    writeFileSync(join(staged.head, 'tests', 'test_cand_network.py'), NETWORK_TEST);
    const src = join(staged.head, SOURCE);
    const input: GraderInput = {
      projectRoot: '.',
      candidateFiles: [...staged.candidates, 'tests/test_cand_network.py'],
      suiteFiles: ['tests/test_existing.py'],
      changedRanges: { [SOURCE]: [{ start: lineOf(src, 'if total >= 100:'), end: lineOf(src, 'return total - 10') }] },
      stabilityRuns: 2,
      seed: 7,
      perTestTimeoutMs: 2000,
      mutation: true,
      maxMutants: 6,
      baseDir: '/base',
    };
    writeFileSync(join(scratch, 'input.json'), JSON.stringify(input));
    execFileSync('docker', [
      'run', '--rm', '--name', name, '--label', 'tfactory.test=python-runtime',
      '--network', 'none', '--read-only', '--tmpfs', '/tmp:rw,size=64m', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges', '--user', '10001:10001', '--pids-limit', '256', '--memory', '512m',
      '-v', `${staged.head}:/workspace:ro`, '-v', `${staged.base}:/base:ro`,
      '-v', `${pythonRuntimeDir()}:${PYTHON_RUNTIME_MOUNT}:ro`, '-v', `${scratch}:/scratch`,
      image ?? '', ...pythonGraderCommand('/scratch/input.json'),
    ], { stdio: 'pipe', timeout: 280_000 });
    result = parseGraderResult(readFileSync(join(scratch, 'result.json'), 'utf8'));
  }, 300_000);

  afterAll(() => {
    try {
      execFileSync('docker', ['rm', '-f', name], { stdio: 'pipe' });
    } catch {
      // already removed by --rm
    }
    rmSync(staged.dir, { recursive: true, force: true });
  });

  it('grades tests in a read-only, networkless container as a non-root user', () => {
    expect(test('test_bulk_discount').runs.map((r) => r.outcome)).toEqual(['passed', 'passed']);
    expect(test('test_bulk_discount').mutants.killed.length).toBeGreaterThan(0);
    expect(test('test_bulk_discount').mutants.killed.every((k) => k.by === 'assertion')).toBe(true);
    expect(test('test_bulk_discount').onBase).toMatchObject({ outcome: 'failed', failureKind: 'assertion' });
    expect(test('test_hangs_in_a_loop').runs.map((r) => r.outcome)).toEqual(['timeout', 'timeout']);
    expect(test('test_reaches_the_network').runs[0]).toMatchObject({ outcome: 'failed', failureKind: 'error' });
    expect(result.errors.every((e) => e.includes('test_cand_broken.py'))).toBe(true);
  });
});
