import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTestFiles, readWorkspaceFile } from '../../../src/pipeline/stages/plan/workspace-files.js';

/** What the planner and the generator read from the checkout never comes through a link the PR committed. */
describe('workspace files read into the prompts', () => {
  let ws: string;
  let host: string;

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'tfactory-ws-'));
    host = mkdtempSync(join(tmpdir(), 'tfactory-host-'));
    writeFileSync(join(host, 'app.pem'), '-----BEGIN PRIVATE KEY-----\nsecret\n');
    writeFileSync(join(host, 'test_host.py'), 'def test_host():\n    assert open("/etc/passwd")\n');
    mkdirSync(join(ws, 'tests'));
    writeFileSync(join(ws, 'tests', 'test_real.py'), 'def test_real():\n    assert 1 == 1\n');
    // An existing test committed as a link to a host file, and a folder linked to a host folder.
    symlinkSync(join(host, 'app.pem'), join(ws, 'tests', 'test_key.py'));
    symlinkSync(host, join(ws, 'tests', 'linked'));
  });
  afterEach(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(host, { recursive: true, force: true });
  });

  it('reads regular files and refuses links, on the file or on the way', () => {
    expect(readWorkspaceFile(ws, 'tests/test_real.py')).toContain('def test_real');
    expect(readWorkspaceFile(ws, 'tests/test_key.py')).toBeUndefined();
    expect(readWorkspaceFile(ws, 'tests/linked/test_host.py')).toBeUndefined();
    expect(readWorkspaceFile(ws, '../outside.py')).toBeUndefined();
  });

  it('lists only the test files that are really in the checkout', () => {
    expect(listTestFiles(ws, '')).toEqual(['tests/test_real.py']);
  });
});
