import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { GraderInput, GraderResult } from '../../src/languages/types.js';
import { tsRuntimeDir, tsRuntimeEntry } from '../../src/languages/typescript/runtime-path.js';
import { nodeModulesFor, RUNNER_CASES, RUNNER_FIXTURES } from './runner-fixtures.js';

/**
 * The TS grader on the host with the matrix's real installs. Its contract with every vitest: the
 * tests run in forks, never in the process of the reporter that signs their results, whatever pool
 * the version defaults to or the project asks for. And what it says when it cannot grade with the
 * project's runner (issue 12 item 1): a
 * version it cannot read is refused in plain words, and a runner that dies (here: on its own
 * configuration) leaves its exit code and the tail of its output in the grader's errors, which the
 * report shows for every test of the run ("the grader reported no result for this test (…)").
 * The engine runs on the host, as `node evaluate.mjs`, against real installs (the matrix's).
 */

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function caseOf(fixture: string): (typeof RUNNER_CASES)[number] {
  const c = RUNNER_CASES.find((x) => x.fixture === fixture);
  if (!c) throw new Error(`no runner case ${fixture}`);
  return c;
}

/** fixtures/runners/<fixture>/head plus its good candidate in test/, `edit` applied, graded with `nodeModules`. */
async function gradeOnHost(fixture: string, ext: string, nodeModules: string, edit: Record<string, string> = {}, candidate = `good.test.${ext}`): Promise<GraderResult> {
  const dir = mkdtempSync(join(tmpdir(), `tf-runner-errors-${fixture}-`));
  dirs.push(dir);
  const workspace = join(dir, 'workspace');
  cpSync(join(RUNNER_FIXTURES, fixture, 'head'), workspace, { recursive: true });
  cpSync(join(RUNNER_FIXTURES, fixture, 'candidates', candidate), join(workspace, 'test', candidate));
  for (const [path, text] of Object.entries(edit)) writeFileSync(join(workspace, path), text);
  mkdirSync(join(dir, 'deps'));
  symlinkSync(nodeModules, join(dir, 'deps', 'node_modules'));
  const input: GraderInput = {
    projectRoot: '', candidateFiles: [`test/${candidate}`], suiteFiles: [], changedRanges: { [`src/discount.${ext}`]: [{ start: 1, end: 9 }] },
    stabilityRuns: 1, seed: 1, perTestTimeoutMs: 5000, mutation: false, maxMutants: 10,
  };
  writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
  await run(process.execPath, [
    tsRuntimeEntry(), '--input', join(dir, 'input.json'), '--output', join(dir, 'result.json'), '--workspace', workspace,
    '--deps', join(dir, 'deps'), '--work', join(dir, 'work'), '--base-work', join(dir, 'base'), '--io', join(dir, 'io'),
  ], { timeout: 300_000 });
  return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as GraderResult;
}

/** A node_modules holding only `name` at `version` (its entry point never runs: the version is refused first). */
function fakeInstall(name: string, version: string, bin: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tf-fake-${name}-`));
  dirs.push(dir);
  mkdirSync(join(dir, name, 'bin'), { recursive: true });
  writeFileSync(join(dir, name, 'package.json'), JSON.stringify({ name, version, bin: { [name]: bin } }));
  writeFileSync(join(dir, name, bin), 'throw new Error("the grader ran a runner it does not support");\n');
  return dir;
}

describe('tests never run in the reporter\'s process', () => {
  it.each(['vitest-1', 'vitest-3'])('%s (worker threads by default or by its config) runs them in forks', async (fixture) => {
    const result = await gradeOnHost(fixture, 'ts', nodeModulesFor(caseOf(fixture)), {}, 'runs-in-a-fork.test.ts');
    expect(result.errors).toEqual([]);
    expect(result.tests.map((t) => [t.name, t.runs[0]?.outcome])).toEqual([['runs in a child process of its own', 'passed']]);
  }, 300_000);

  it('vitest 3 with a workspace file asking for threads: the workspace is not what runs the tests', async () => {
    const workspace = "export default [{ test: { name: 'threads', pool: 'threads', include: ['test/**/*.test.ts'] } }];\n";
    const result = await gradeOnHost('vitest-3', 'ts', nodeModulesFor(caseOf('vitest-3')), { 'vitest.workspace.ts': workspace }, 'runs-in-a-fork.test.ts');
    expect(result.errors).toEqual([]);
    expect(result.tests.map((t) => [t.name, t.runs[0]?.outcome])).toEqual([['runs in a child process of its own', 'passed']]);
  }, 300_000);
});

describe('node:test', () => {
  it('keeps the project\'s loader flags from its test script, not its --test flags', async () => {
    const { loaderFlags } = (await import(join(tsRuntimeDir(), 'runners', 'node-test.mjs'))) as { loaderFlags: (script: string) => string[] };
    expect(loaderFlags('node --import tsx --test test/')).toEqual(['--import', 'tsx']);
    expect(loaderFlags('node --experimental-strip-types --test --test-reporter=spec "test/**/*.test.ts"')).toEqual(['--experimental-strip-types']);
    expect(loaderFlags("node -r ts-node/register --conditions=development --test && echo done")).toEqual(['-r', 'ts-node/register', '--conditions=development']);
    expect(loaderFlags('node --test')).toEqual([]);
  });

  it('gives a test that spins forever a timeout (node stops its file; the test that never ended is named)', async () => {
    const spins = "import { it } from 'node:test';\n\nit('spins forever', () => {\n  for (;;) { /* never returns */ }\n});\n";
    const empty = mkdtempSync(join(tmpdir(), 'tf-empty-modules-'));
    dirs.push(empty);
    const result = await gradeOnHost('node-test', 'js', empty, { 'test/good.test.js': spins });
    expect(result.tests.map((t) => [t.name, t.runs[0]?.outcome])).toEqual([['spins forever', 'timeout']]);
  }, 120_000);
});

describe('runners the grader cannot use', () => {
  it('refuses vitest 0.34 in plain words, without running it', async () => {
    const result = await gradeOnHost('vitest-1', 'ts', fakeInstall('vitest', '0.34.6', 'vitest.mjs'));
    expect(result.tests).toEqual([]);
    expect(result.errors).toEqual([
      'vitest 0.34 is not supported (1–4 are): install vitest 1, 2, 3 or 4 in the project (its reporter API is the one the grader reads)',
    ]);
  }, 60_000);

  it('says in plain words that mocha is not supported (rather than "node_modules missing?")', async () => {
    const pkg = JSON.stringify({ name: 'mocha-project', private: true, scripts: { test: 'mocha test/' }, devDependencies: { mocha: '^10.0.0' } });
    const empty = mkdtempSync(join(tmpdir(), 'tf-empty-modules-'));
    dirs.push(empty);
    const result = await gradeOnHost('vitest-4', 'js', empty, { 'package.json': pkg });
    expect(result.tests).toEqual([]);
    expect(result.errors).toEqual(['mocha is not supported (package.json tests with it): the grader runs vitest 1–4, jest 29–30 and node:test']);
  }, 60_000);

  it('refuses jest 28 in plain words, without running it', async () => {
    const result = await gradeOnHost('jest-30-esm', 'js', fakeInstall('jest', '28.1.3', 'bin/jest.js'));
    expect(result.tests).toEqual([]);
    expect(result.errors).toEqual([
      'jest 28.1 is not supported (29–30 are): install jest 29 or 30 in the project (the grader needs its worker memory limit, which forces worker processes)',
    ]);
  }, 60_000);
});

describe('a runner that dies before reporting', () => {
  it('vitest 3: the exit code and the tail of its output are in the errors', async () => {
    const config = "import missing from 'vite-plugin-nobody-installed';\nimport { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ plugins: [missing()] });\n";
    const result = await gradeOnHost('vitest-3', 'ts', nodeModulesFor(caseOf('vitest-3')), { 'vitest.config.mts': config });
    expect(result.tests).toEqual([]);
    expect(result.errors.join('\n')).toMatch(/^vitest 3\.2\.7 exited with code 1 before reporting the end of its run; its last output: .*vite-plugin-nobody-installed/s);
  }, 300_000);

  it('jest 30: the exit code and the tail of its output are in the errors', async () => {
    const config = "throw new Error('this jest config cannot load');\n";
    const result = await gradeOnHost('jest-30-esm', 'js', nodeModulesFor(caseOf('jest-30-esm')), { 'jest.config.js': config });
    expect(result.tests).toEqual([]);
    expect(result.errors.join('\n')).toMatch(/^jest 30\.5\.2 exited with code 1 before reporting the end of its run; its last output: .*this jest config cannot load/s);
  }, 300_000);
});
