import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { fillJestCache, importedModules, warmupPath } from '../../../src/languages/typescript/runtime/runners/jest-cache.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { createJestRunner } from '../../../src/languages/typescript/runtime/runners/jest.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { createWarmJestRunner } from '../../../src/languages/typescript/runtime/runners/jest-warm.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { assess, SCRATCH_DIR, snapshot } from '../../../src/languages/typescript/runtime/guard.mjs';
// @ts-expect-error plain ESM engine file without type declarations
import { configureWritable } from '../../../src/languages/typescript/runtime/writable.mjs';
import { tsRuntimeDir } from '../../../src/languages/typescript/runtime-path.js';
import { installedPackages } from '../../helpers/npm-packages.js';

/** Every file under `dir` (relative paths). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('which modules the transform run loads, and its file name', () => {
  it('takes the relative imports and requires of the candidates, inside the project, never node_modules, .tfactory or a candidate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-jest-cache-imports-'));
    try {
      mkdirSync(join(dir, 'test'));
      const a = join(dir, 'test', 'a.test.ts');
      const b = join(dir, 'test', 'b.test.ts');
      writeFileSync(a, [
        "import { x } from '../src/x';",
        "import '../src/side-effect';",
        "const y = require('../src/y.js');",
        "const z = await import('./helpers/z');",
        "import { vi } from 'vitest';",
        "import { w } from '../node_modules/w';",
        "import { t } from '../.tfactory/setup.cjs';",
        "import { o } from '../../outside';",
        "import { b } from './b.test';",
      ].join('\n'));
      writeFileSync(b, "const { x } = require('../src/x');\n");
      expect(importedModules([a, b], dir)).toEqual([join(dir, 'src', 'side-effect'), join(dir, 'src', 'x'), join(dir, 'src', 'y.js'), join(dir, 'test', 'helpers', 'z')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names its test file like the candidate past the first dot, so the project\'s testMatch takes it', () => {
    expect(warmupPath('/p/test/order.test.ts')).toBe('/p/test/tfactory-transforms.test.ts');
    expect(warmupPath('/p/src/order.spec.js')).toBe('/p/src/tfactory-transforms.spec.js');
    expect(warmupPath('/p/__tests__/order.js')).toBe('/p/__tests__/tfactory-transforms.js');
  });
});

/**
 * runtime/runners/jest-cache.mjs with a real jest 29 (npm registry) on the host: before the first
 * candidate runs, one run of the grader's own test file fills jest's transform cache from the modules
 * the candidates import, without loading a candidate; what it added stays through the reset that
 * follows every run, while what a run adds or rewrites there is removed after it.
 */
describe('jest\'s transform cache, filled before the candidates run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-jest-cache-'));
  const project = join(dir, 'project');
  const cache = join(project, '.tfactory', 'jest-cache');
  const marker = join(dir, 'candidate-loaded');
  let warm: { run(spec: Record<string, unknown>): Promise<{ results: Array<{ state: string }> }>; keep(): number[]; close(): void; cold: unknown };
  const limits = { testTimeoutMs: 5000 };

  beforeAll(() => {
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, 'test'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cache', private: true, jest: { testEnvironment: 'node' }, devDependencies: { jest: '*' } }));
    symlinkSync(installedPackages('jest29', ['jest@29.7.0']), join(project, 'node_modules'));
    writeFileSync(join(project, 'src', 'price.js'), "const { round } = require('./round');\nmodule.exports = { price: (n) => round(n * 1.2) };\n");
    writeFileSync(join(project, 'src', 'round.js'), 'module.exports = { round: (n) => Math.round(n * 100) / 100 };\n');
    writeFileSync(join(project, 'test', 'price.test.js'), [
      `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'loaded');`,
      "const { price } = require('../src/price');",
      "test('adds the tax', () => { expect(price(10)).toBe(12); });",
    ].join('\n'));
    configureWritable({ roots: [dir], copies: [project] });
    const cold = createJestRunner({ projectDir: project, supportDir: join(tsRuntimeDir(), 'support'), ioDir: join(dir, 'io-cold') });
    cold.prepare();
    warm = createWarmJestRunner({ projectDir: project, ioDir: join(dir, 'io'), cold });
  }, 300_000);
  afterAll(() => {
    warm?.close();
    configureWritable({});
    rmSync(dir, { recursive: true, force: true });
  });

  it('transforms what the candidates import without loading a candidate, and leaves no test file behind', async () => {
    const note = await fillJestCache({ runner: warm, projectDir: project, candidates: [join(project, 'test', 'price.test.js')], limits });
    expect(note).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(project, 'test', 'tfactory-transforms.test.js'))).toBe(false);
    const cached = filesUnder(cache);
    expect(cached.some((f) => /\/price_[0-9a-f]+$/.test(f)), cached.join('\n')).toBe(true);
    expect(cached.some((f) => /\/round_[0-9a-f]+$/.test(f)), cached.join('\n')).toBe(true);
  }, 120_000);

  it('keeps those transforms through the reset after a run, and removes what a run adds to the cache or rewrites in it', async () => {
    const filled = filesUnder(cache).filter((f) => /_[0-9a-f]+$/.test(f));
    const roundFile = filled.find((f) => /\/round_[0-9a-f]+$/.test(f)) as string;
    const before = snapshot(SCRATCH_DIR);
    const out = await warm.run({ files: [join(project, 'test', 'price.test.js')], testTimeoutMs: 5000, deadlineMs: 60_000, stallMs: 10_000 });
    expect(out.results.map((r) => r.state)).toEqual(['passed']);
    // a test rewrote a transform (same user): what a run changes in the cache goes after it
    writeFileSync(join(cache, roundFile), 'module.exports = { round: () => 0 };');
    for (const pid of warm.keep()) before.pids.add(pid);
    assess(before, { killedBy: null });
    const after = filesUnder(cache);
    expect(after).not.toContain(roundFile);
    for (const f of filled.filter((x) => x !== roundFile)) expect(after).toContain(f);
    // the candidate's own transform, made by the run, is gone with it
    expect(after.some((f) => /\/pricetest_[0-9a-f]+$/.test(f))).toBe(false);
  }, 120_000);

  it('fills it with the cold jest when the warm one cannot run', async () => {
    rmSync(cache, { recursive: true, force: true });
    const broken = { name: 'jest-warm', cold: warm.cold, run: async () => ({ warmFailed: 'the warm jest did not start' }), reset: () => undefined, keep: () => [] };
    const note = await fillJestCache({ runner: broken, projectDir: project, candidates: [join(project, 'test', 'price.test.js')], limits });
    expect(note).toBeUndefined();
    expect(filesUnder(cache).some((f) => /\/round_[0-9a-f]+$/.test(f))).toBe(true);
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  it('does nothing for a runner other than jest, or when the candidates import nothing of the project', async () => {
    expect(await fillJestCache({ runner: { name: 'vitest' }, projectDir: project, candidates: [join(project, 'test', 'price.test.js')], limits })).toBeUndefined();
    const lone = join(dir, 'lone.test.js');
    writeFileSync(lone, "test('alone', () => { expect(1).toBe(1); });\n");
    expect(importedModules([lone], project)).toEqual([]);
  });
});
