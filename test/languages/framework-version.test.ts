import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProjectFs } from '../../src/languages/project-fs.js';
import { pythonPlugin } from '../../src/languages/python/plugin.js';
import { TS_RUNNER_SUPPORT } from '../../src/languages/typescript/framework-version.js';
import { typescriptPlugin } from '../../src/languages/typescript/plugin.js';
import { tsRuntimeDir } from '../../src/languages/typescript/runtime-path.js';
import type { LanguageProfile } from '../../src/languages/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-fw-'));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const py: LanguageProfile = { language: 'python', framework: 'pytest', packageManager: 'pip', root: '', testDir: 'tests', layout: 'flat', testFileNamePattern: 'test_{module}.py', files: [] };
const ts: LanguageProfile = { language: 'typescript', framework: 'vitest', packageManager: 'npm', root: 'web', testDir: 'web/test', layout: 'flat', testFileNamePattern: '{module}.test.ts', files: [] };

describe('describeFramework', () => {
  it('Python: the runner image\'s pytest, and what the project pins', async () => {
    expect(await pythonPlugin.describeFramework(createProjectFs(project({ 'pyproject.toml': '[project]\nname = "x"\n' })), py)).toBe('Python 3.11, pytest 7.2 with pytest-mock, pytest-timeout');
    const pinned = project({ 'requirements-dev.txt': 'black==24.1\npytest >= 7.0, <9\n' });
    expect(await pythonPlugin.describeFramework(createProjectFs(pinned), py)).toBe('Python 3.11, pytest 7.2 with pytest-mock, pytest-timeout; the project asks for pytest>=7.0,<9 (requirements-dev.txt)');
  });

  it('TypeScript: the installed version, else the lockfile\'s, else package.json\'s range', async () => {
    const installed = project({ 'web/node_modules/vitest/package.json': '{"name":"vitest","version":"3.2.4"}', 'web/package.json': '{"devDependencies":{"vitest":"^3.0.0"}}' });
    expect(await typescriptPlugin.describeFramework(createProjectFs(installed), ts)).toBe('vitest 3.2.4 (installed)');
    const locked = project({ 'web/package-lock.json': '{"packages":{"node_modules/vitest":{"version":"2.1.9"}}}', 'web/package.json': '{}' });
    expect(await typescriptPlugin.describeFramework(createProjectFs(locked), ts)).toBe('vitest 2.1.9 (package-lock.json)');
    const declared = project({ 'web/package.json': '{"devDependencies":{"vitest":"^1.6.0"}}' });
    expect(await typescriptPlugin.describeFramework(createProjectFs(declared), ts)).toBe('vitest ^1.6.0 (package.json)');
    expect(await typescriptPlugin.describeFramework(createProjectFs(project({})), ts)).toBe('vitest (version not declared)');
  });

  it('TypeScript: a runner version the grader cannot read is named as such', async () => {
    const old = project({ 'web/node_modules/vitest/package.json': '{"name":"vitest","version":"0.34.6"}', 'web/package.json': '{}' });
    expect(await typescriptPlugin.describeFramework(createProjectFs(old), ts)).toBe('vitest 0.34.6 (installed) — not supported by the grader (1–4 are)');
    const jest = { ...ts, framework: 'jest' as const };
    const declared = project({ 'web/package.json': '{"devDependencies":{"jest":"^27.5.1"}}' });
    expect(await typescriptPlugin.describeFramework(createProjectFs(declared), jest)).toBe('jest ^27.5.1 (package.json) — not supported by the grader (29–30 are)');
    const current = project({ 'web/package.json': '{"devDependencies":{"jest":"^30.0.0"}}' });
    expect(await typescriptPlugin.describeFramework(createProjectFs(current), jest)).toBe('jest ^30.0.0 (package.json)');
  });

  it('TypeScript: node:test is named as node\'s own runner', async () => {
    const nodeTest = { ...ts, framework: 'node:test' as const };
    expect(await typescriptPlugin.describeFramework(createProjectFs(project({ 'web/package.json': '{"scripts":{"test":"node --test"}}' })), nodeTest))
      .toBe("node:test (node's built-in runner, `node --test`: tests import from node:test and node:assert)");
  });

  it('TypeScript: the host\'s supported majors are the in-sandbox runners\'', async () => {
    const vitest = (await import(join(tsRuntimeDir(), 'runners', 'vitest.mjs'))) as { VITEST_SUPPORTED: number[] };
    const jestRunner = (await import(join(tsRuntimeDir(), 'runners', 'jest.mjs'))) as { JEST_SUPPORTED: number[] };
    expect({ vitest: vitest.VITEST_SUPPORTED, jest: jestRunner.JEST_SUPPORTED }).toEqual(TS_RUNNER_SUPPORT);
  });
});
