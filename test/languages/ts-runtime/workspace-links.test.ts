import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tsGrader } from '../../../src/languages/typescript/grader.js';
import type { LanguageProfile } from '../../../src/languages/types.js';
import { createLogger } from '../../../src/logger.js';
import { createFakeSandbox } from '../../fakes/fake-sandbox.js';
// @ts-expect-error plain ESM engine file without type declarations
import { linkDependencies } from '../../../src/languages/typescript/runtime/workspace.mjs';

/**
 * Prepared dependencies mirror the repository's layout (/deps/<folder>/node_modules); the grader links
 * each at its folder in its working copy, and a workspace package's link points at that package's
 * folder in the copy (its source, mutants included), not at the manifest-only copy the install made.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-ws-links-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text = ''): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('linkDependencies with prepared dependencies of a workspace', () => {
  it('links each node_modules on the project path at its folder, and workspace packages to their folders in the copy', () => {
    const deps = join(dir, 'deps');
    const work = join(dir, 'work');
    const src = join(dir, 'src');
    write(join(deps, 'node_modules', 'is-number', 'package.json'), '{}');
    write(join(deps, 'packages', 'parse', 'package.json'), '{}');
    mkdirSync(join(deps, 'node_modules', '@fx'), { recursive: true });
    symlinkSync('../../packages/parse', join(deps, 'node_modules', '@fx', 'parse'));
    write(join(deps, 'packages', 'cart', 'node_modules', 'only-cart', 'package.json'), '{}');
    // pnpm keeps a package's dependencies beside it: parse's is-number@6, reached through the link
    write(join(deps, 'packages', 'parse', 'node_modules', 'is-number', 'package.json'), '{"version":"6.0.0"}');
    write(join(src, 'packages', 'cart', 'src', 'cart.js'));
    write(join(work, 'packages', 'cart', 'src', 'cart.js'));
    write(join(work, 'packages', 'parse', 'src', 'index.js'));

    const linked: string[] = linkDependencies({ srcRoot: src, dstRoot: work, projectRoot: 'packages/cart', depsDir: deps });
    expect(linked).toEqual([join(deps, 'packages', 'cart', 'node_modules'), join(deps, 'node_modules'), join(deps, 'packages', 'parse', 'node_modules')]);
    expect(readFileSync(join(work, 'packages', 'parse', 'node_modules', 'is-number', 'package.json'), 'utf8')).toBe('{"version":"6.0.0"}');
    expect(realpathSync(join(work, 'node_modules', 'is-number'))).toBe(realpathSync(join(deps, 'node_modules', 'is-number')));
    expect(readlinkSync(join(work, 'node_modules', '@fx', 'parse'))).toBe(join(work, 'packages', 'parse'));
    expect(lstatSync(join(work, 'node_modules', '@fx')).isDirectory()).toBe(true);
    expect(existsSync(join(work, 'packages', 'cart', 'node_modules', 'only-cart', 'package.json'))).toBe(true);
  });
});

describe('a local checkout of a workspace reuses its node_modules on the project path', () => {
  it('mounts each at its mirrored place under /deps', async () => {
    mkdirSync(join(dir, 'node_modules', 'vitest'), { recursive: true });
    mkdirSync(join(dir, 'packages', 'cart', 'node_modules'), { recursive: true });
    const profile: LanguageProfile = { language: 'javascript', framework: 'vitest', packageManager: 'npm', root: 'packages/cart', testDir: 'packages/cart/test', layout: 'flat', testFileNamePattern: '{module}.test.js', files: [] };
    const prepared = await tsGrader.prepareDependencies({
      profile, headDir: dir, localRepoPath: dir, sandbox: createFakeSandbox(() => ({ exitCode: 0 })), image: () => Promise.resolve('img'), log: createLogger({ level: 'silent' }), signal: new AbortController().signal,
    });
    expect(prepared?.mounts).toEqual([
      { hostPath: realpathSync(join(dir, 'packages', 'cart', 'node_modules')), containerPath: '/deps/packages/cart/node_modules', readOnly: true },
      { hostPath: realpathSync(join(dir, 'node_modules')), containerPath: '/deps/node_modules', readOnly: true },
    ]);
    expect(prepared?.env).toEqual({ NODE_PATH: '/deps/packages/cart/node_modules' });
  });
});
