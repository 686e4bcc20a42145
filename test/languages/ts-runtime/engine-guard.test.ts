import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsGuardDir, typescriptPackageDir } from '../../../src/languages/typescript/guard.js';
import { baseInput, FIXTURE, runEngineOnHost } from './run-grader.js';

const run = promisify(execFile);

/**
 * The TS grader's engine runs the hallucination guard of GraderInput.guardFiles itself (Grader.guards),
 * before any test, with the typescript it loaded: its answer (GraderResult.guard) is the guard
 * script's own batch answer for the same files on the same checkout, so the static checks can take
 * it instead of starting the guard's container.
 */
describe('the hallucination guard in the TS grader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-engine-guard-'));
  const workspace = join(dir, 'ws');
  const files = ['test/made-up.test.ts', 'test/real.test.ts'];

  beforeAll(() => {
    cpSync(join(FIXTURE, 'head'), workspace, { recursive: true });
    writeFileSync(join(workspace, files[0] as string), [
      "import { expect, it } from 'vitest';",
      "import { applyCoupon } from '../src/pricing';",
      "it('stacks a coupon', () => { expect(applyCoupon(100, 'SAVE10')).toBe(90); });",
    ].join('\n'));
    writeFileSync(join(workspace, files[1] as string), [
      "import { expect, it } from 'vitest';",
      "import { applyDiscount } from '../src/pricing';",
      "it('takes 10% off', () => { expect(applyDiscount(100, 10)).toBe(90); });",
    ].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives, for the files asked, what the guard script gives for them alone', async () => {
    const result = await runEngineOnHost(baseInput({ candidateFiles: files, guardFiles: files }), process.env, workspace, ['--guard', tsGuardDir()]);
    expect(result.guard).toBeDefined();
    const guard = result.guard as { files: Array<{ path: string; result: { hallucinated: Array<{ name: string; kind: string }> } }> };
    expect(guard.files.map((f) => f.path)).toEqual(files.map((f) => join(workspace, f)));
    expect(guard.files[0]?.result.hallucinated.map((h) => [h.name, h.kind])).toEqual([['../src/pricing:applyCoupon', 'name']]);
    expect(guard.files[1]?.result.hallucinated).toEqual([]);
    // The script run on its own (as the guard's container runs it: the checkout's root, no NODE_PATH).
    const env = { ...process.env };
    delete env.NODE_PATH;
    const stdin = JSON.stringify({ files: files.map((f) => ({ path: join(workspace, f), source: readFileSync(join(workspace, f), 'utf8') })) });
    const child = run(process.execPath, [join(tsGuardDir(), 'check_imports.mjs'), '--batch', typescriptPackageDir(), workspace], { env, cwd: workspace });
    child.child.stdin?.end(stdin);
    const alone = JSON.parse((await child).stdout) as unknown;
    expect(result.guard).toEqual(alone);
    // The tests were graded all the same.
    expect(result.tests.map((t) => `${t.name}: ${t.runs[0]?.outcome}`).sort()).toEqual(['stacks a coupon: error', 'takes 10% off: passed']);
  }, 300_000);

  it('stops the type checker past its deadline (a project whose types hold it up cannot hold up the grader)', async () => {
    const ts = createRequire(import.meta.url)(typescriptPackageDir()) as { OperationCanceledException: new () => Error };
    const { createImportChecker } = await import(pathToFileURL(join(tsGuardDir(), 'check_imports.mjs')).href) as {
      createImportChecker: (ts: unknown, root: string, nodePaths: string[], o?: { deadline?: number }) => (file: string, source: string) => unknown;
    };
    const file = join(workspace, files[1] as string);
    const source = readFileSync(file, 'utf8');
    expect(() => createImportChecker(ts, workspace, [], { deadline: Date.now() - 1 })(file, source)).toThrow(ts.OperationCanceledException);
    expect(createImportChecker(ts, workspace, [], { deadline: Date.now() + 60_000 })(file, source)).toMatchObject({ hallucinated: [] });
  }, 60_000);

  it('reads the JSDoc types of a JavaScript test (a member a project type lacks is found), and no JSDoc of TypeScript changes a finding', async () => {
    const ts = createRequire(import.meta.url)(typescriptPackageDir()) as unknown;
    const { createImportChecker } = await import(pathToFileURL(join(tsGuardDir(), 'check_imports.mjs')).href) as {
      createImportChecker: (ts: unknown, root: string, nodePaths: string[]) => (file: string, source: string) => { hallucinated: Array<{ name: string; kind: string }> };
    };
    const root = mkdtempSync(join(dir, 'jsdoc-'));
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'test'));
    writeFileSync(join(root, 'src', 'shape.ts'), 'export interface Box { width: number }\nexport function box(width: number): Box { return { width }; }\n');
    const check = createImportChecker(ts, root, []);
    // Only the JSDoc gives `b` its type: a checker that skipped the comments of JavaScript files would see `any` and find nothing.
    const js = [
      "import { box } from '../src/shape';",
      "/** @param {import('../src/shape').Box} b */",
      'function area(b) { return b.height * b.width; }',
      'area(box(2));',
    ].join('\n');
    expect(check(join(root, 'test', 'area.test.js'), js).hallucinated.map((h) => [h.name, h.kind])).toEqual([['b.height', 'attribute']]);
    // In TypeScript the types are the code's: a JSDoc tag claiming another type changes nothing.
    const tsSource = [
      "import { box, type Box } from '../src/shape';",
      '/** @param {{ height: number }} b the box (the tag is not the type) */',
      'function area(b: Box) { return b.height * b.width; }',
      'area(box(2));',
    ].join('\n');
    expect(check(join(root, 'test', 'area.test.ts'), tsSource).hallucinated.map((h) => [h.name, h.kind])).toEqual([['b.height', 'attribute']]);
  }, 60_000);

  it('says why it gives no answer when it was not given the guard script, and none when no file is asked', async () => {
    const without = await runEngineOnHost(baseInput({ candidateFiles: [files[1] as string], guardFiles: [files[1] as string] }), process.env, workspace);
    expect(without.guard).toEqual({ error: 'the guard script was not given to the grader' });
    const none = await runEngineOnHost(baseInput({ candidateFiles: [files[1] as string] }), process.env, workspace, ['--guard', tsGuardDir()]);
    expect(none.guard).toBeUndefined();
  }, 300_000);
});
