import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GraderInput, GraderResult, GradedTest } from '../../../src/languages/types.js';
import { tsRuntimeEntry } from '../../../src/languages/typescript/runtime-path.js';
import { PACKAGE_ROOT } from '../../../src/version.js';

const run = promisify(execFile);

export const FIXTURE = join(PACKAGE_ROOT, 'fixtures', 'eval', 'ts-pricing');
export const CHANGED: GraderInput['changedRanges'] = {
  'src/pricing.ts': [{ start: 7, end: 9 }, { start: 15, end: 15 }, { start: 20, end: 24 }],
};

export function baseInput(overrides: Partial<GraderInput>): GraderInput {
  return {
    projectRoot: '', candidateFiles: [], suiteFiles: [], changedRanges: CHANGED, stabilityRuns: 1, seed: 1,
    perTestTimeoutMs: 2000, mutation: false, maxMutants: 40, ...overrides,
  };
}

/** Run the engine on the host, as `node evaluate.mjs`, with the fixture's head (or `workspace`) as the workspace, and `env`. */
export async function runEngineOnHost(input: GraderInput, env: NodeJS.ProcessEnv = process.env, workspace = join(FIXTURE, 'head'), extraArgs: string[] = []): Promise<GraderResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-ts-runtime-'));
  try {
    mkdirSync(join(dir, 'deps'));
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(dir, 'deps', 'node_modules'));
    writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
    await run(process.execPath, [
      tsRuntimeEntry(), '--input', join(dir, 'input.json'), '--output', join(dir, 'result.json'),
      '--workspace', workspace, '--deps', join(dir, 'deps'), '--work', join(dir, 'work'),
      '--base-work', join(dir, 'base'), '--io', join(dir, 'io'), ...extraArgs,
    ], { timeout: 600_000, env });
    return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as GraderResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function testNamed(result: GraderResult, id: string): GradedTest {
  const t = result.tests.find((x) => x.id === id);
  if (!t) throw new Error(`no test ${id} in ${result.tests.map((x) => x.id).join(', ')}`);
  return t;
}
