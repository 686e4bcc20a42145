import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProjectFs } from '../../src/languages/project-fs.js';
import { pythonPlugin } from '../../src/languages/python/plugin.js';
import { typescriptPlugin } from '../../src/languages/typescript/plugin.js';
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
});
