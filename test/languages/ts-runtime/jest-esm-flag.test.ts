import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error the grader's runtime is plain ESM JavaScript without types
import { scriptsUseVmModules } from '../../../src/languages/typescript/runtime/runners/jest.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(pkg: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfactory-jest-esm-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
  return dir;
}

describe('jest native ESM: --experimental-vm-modules only when the project runs jest with it', () => {
  it('is on when a script of the project passes the flag (jest\'s documented way to native ESM)', () => {
    expect(scriptsUseVmModules(project({ type: 'module', scripts: { test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js' } }))).toBe(true);
    expect(scriptsUseVmModules(project({ scripts: { 'test:unit': 'NODE_OPTIONS=--experimental-vm-modules npx jest' } }))).toBe(true);
  });

  it('is off for a project that lets babel-jest turn its ESM into CommonJS, and for unreadable files', () => {
    expect(scriptsUseVmModules(project({ scripts: { test: 'jest --coverage' } }))).toBe(false);
    expect(scriptsUseVmModules(project({ type: 'module' }))).toBe(false);
    expect(scriptsUseVmModules(project('{ not json'))).toBe(false);
  });
});
