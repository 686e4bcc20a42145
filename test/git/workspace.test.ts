import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthEnv } from '../../src/git/auth-env.js';
import { createGitPort } from '../../src/git/create-git-port.js';
import { isTfError } from '../../src/errors.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

const TOKEN = 'ghs_testTOKEN1234567890abcdef';

function captureLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { log: pino({ level: 'debug' }, stream), lines };
}

function relativeFromCwd(abs: string): string {
  return relative(process.cwd(), abs);
}

function firstLooseObject(gitDir: string): string {
  const objects = join(gitDir, 'objects');
  const sub = readdirSync(objects).find((d) => /^[0-9a-f]{2}$/.test(d));
  if (!sub) throw new Error('no loose object');
  return join(objects, sub, readdirSync(join(objects, sub))[0] as string);
}

describe('prepareWorkspace (local source)', () => {
  let repo: TestRepo;
  let root: string;
  let baseSha: string;
  let headSha: string;

  beforeAll(() => {
    repo = makeRepo();
    repo.write({ 'app.py': 'def f():\n    return 1\n' });
    baseSha = repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ 'app.py': 'def f():\n    return 2\n' });
    headSha = repo.commit('head');
    repo.git('checkout', '--quiet', 'main');
    root = mkdtempSync(join(tmpdir(), 'tfactory-ws-root-'));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives each run its own independent checkout at head, and dispose removes it', async () => {
    const port = createGitPort({ workspaceRoot: root });
    const source = { kind: 'local' as const, repoPath: repo.dir, baseRef: 'main', headRef: 'feature' };
    const a = await port.prepareWorkspace(source, 'run-a');
    const b = await port.prepareWorkspace(source, 'run-b');
    expect(a.dir).toBe(join(root, 'run-a'));
    expect(a.dir).not.toBe(b.dir);
    expect({ base: a.baseSha, head: a.headSha }).toEqual({ base: baseSha, head: headSha });
    expect(readFileSync(join(a.dir, 'app.py'), 'utf8')).toContain('return 2');
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: a.dir, encoding: 'utf8' }).trim()).toBe(headSha);
    expect(execFileSync('git', ['rev-parse', 'refs/tfactory/base'], { cwd: a.dir, encoding: 'utf8' }).trim()).toBe(baseSha);
    // Objects are copies, not hardlinks into the source repository.
    expect(statSync(firstLooseObject(join(a.dir, '.git'))).nlink).toBe(1);
    // Writing in one workspace leaves the other and the source untouched.
    execFileSync('sh', ['-c', 'echo changed > app.py'], { cwd: a.dir });
    expect(readFileSync(join(b.dir, 'app.py'), 'utf8')).toContain('return 2');
    expect(readFileSync(join(repo.dir, 'app.py'), 'utf8')).toContain('return 1');
    await a.dispose();
    await b.dispose();
    expect(existsSync(a.dir)).toBe(false);
    expect(existsSync(b.dir)).toBe(false);
  });

  it('reaches a head that only a non-branch ref holds (refs/pull/<n>/head), from a relative repo path', async () => {
    repo.git('checkout', '--quiet', '--detach', 'feature');
    repo.write({ 'app.py': 'def f():\n    return 3\n' });
    const pullSha = repo.commit('pull head');
    repo.git('update-ref', 'refs/pull/1/head', pullSha);
    repo.git('checkout', '--quiet', 'main');
    const port = createGitPort({ workspaceRoot: root });
    const ws = await port.prepareWorkspace({ kind: 'local', repoPath: relativeFromCwd(repo.dir), baseRef: 'main', headRef: pullSha }, 'run-pull');
    expect(relativeFromCwd(repo.dir).startsWith('/')).toBe(false);
    expect(ws.headSha).toBe(pullSha);
    expect(readFileSync(join(ws.dir, 'app.py'), 'utf8')).toContain('return 3');
    await ws.dispose();
  });

  it('fails with GIT_FAILED for a ref the source does not have, leaving no folder behind', async () => {
    const port = createGitPort({ workspaceRoot: root });
    const err = await port.prepareWorkspace({ kind: 'local', repoPath: repo.dir, baseRef: 'main', headRef: 'no-such-branch' }, 'run-c').catch((e: unknown) => e);
    expect(isTfError(err, 'GIT_FAILED')).toBe(true);
    expect(existsSync(join(root, 'run-c'))).toBe(false);
  });

  it('refuses a run id that is not a plain folder name', async () => {
    const port = createGitPort({ workspaceRoot: root });
    const err = await port.prepareWorkspace({ kind: 'local', repoPath: repo.dir, baseRef: 'main', headRef: 'feature' }, '../escape').catch((e: unknown) => e);
    expect(isTfError(err, 'USAGE')).toBe(true);
  });
});

describe('prepareWorkspace (remote source with a token)', () => {
  let repo: TestRepo;
  let projects: string;
  let root: string;
  let server: GitHttpServer;
  const expectedAuth = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;

  beforeAll(async () => {
    repo = makeRepo();
    repo.write({ 'lib.ts': 'export const a = 1;\n' });
    repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ 'lib.ts': 'export const a = 2;\n' });
    repo.commit('head');
    projects = mkdtempSync(join(tmpdir(), 'tfactory-remote-'));
    execFileSync('git', ['clone', '--quiet', '--bare', repo.dir, join(projects, 'repo.git')]);
    server = await startGitHttpServer(projects, expectedAuth);
    root = mkdtempSync(join(tmpdir(), 'tfactory-ws-root-'));
  });
  afterAll(async () => {
    await server.close();
    repo.cleanup();
    rmSync(projects, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('builds the Authorization header in the environment only', () => {
    const env = buildAuthEnv(TOKEN);
    expect(env).toEqual({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${expectedAuth}` });
  });

  it('fetches base and head over HTTP with the token as a header, and leaves no trace of it', async () => {
    const { log, lines } = captureLogger();
    const port = createGitPort({ workspaceRoot: root, log });
    const url = `${server.url}/repo.git`;
    const ws = await port.prepareWorkspace({ kind: 'remote', cloneUrl: url, baseRef: 'main', headRef: 'feature', token: TOKEN }, 'remote-1');
    expect(server.authorizations).toContain(expectedAuth);
    expect(readFileSync(join(ws.dir, 'lib.ts'), 'utf8')).toBe('export const a = 2;\n');
    expect(ws.baseSha).toBe(repo.git('rev-parse', 'main').trim());
    const config = readFileSync(join(ws.dir, '.git', 'config'), 'utf8');
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(basic);
    expect(config.toLowerCase()).not.toContain('extraheader');
    expect(execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: ws.dir, encoding: 'utf8' }).trim()).toBe(url);
    // No file anywhere in the workspace's .git holds the token.
    const grep = execFileSync('sh', ['-c', `grep -rl "${TOKEN}" .git || true`], { cwd: ws.dir, encoding: 'utf8' });
    expect(grep).toBe('');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(TOKEN);
    await ws.dispose();
  });

  it('fetches a head given as a commit SHA (as the pipeline does for pull requests)', async () => {
    const port = createGitPort({ workspaceRoot: root });
    const headSha = repo.git('rev-parse', 'feature').trim();
    const ws = await port.prepareWorkspace({ kind: 'remote', cloneUrl: `${server.url}/repo.git`, baseRef: 'main', headRef: headSha, token: TOKEN }, 'remote-sha');
    expect(ws.headSha).toBe(headSha);
    expect(readFileSync(join(ws.dir, 'lib.ts'), 'utf8')).toBe('export const a = 2;\n');
    const diff = await port.diff(ws.dir, ws.baseSha, ws.headSha);
    expect(diff.files.map((f) => [f.path, f.addedRanges])).toEqual([['lib.ts', [{ start: 1, end: 1 }]]]);
    await ws.dispose();
  });

  it('fails without a token (the server wants one) and never shows a wrong token in the error', async () => {
    const port = createGitPort({ workspaceRoot: root });
    const url = `${server.url}/repo.git`;
    const noToken = await port.prepareWorkspace({ kind: 'remote', cloneUrl: url, baseRef: 'main', headRef: 'feature' }, 'remote-2').catch((e: unknown) => e);
    expect(isTfError(noToken, 'GIT_FAILED')).toBe(true);
    const wrong = 'ghs_WRONGtoken999';
    const err = await port.prepareWorkspace({ kind: 'remote', cloneUrl: url, baseRef: 'main', headRef: 'feature', token: wrong }, 'remote-3').catch((e: unknown) => e);
    expect(isTfError(err, 'GIT_FAILED')).toBe(true);
    expect(JSON.stringify(err)).not.toContain(wrong);
    expect(server.authorizations).toContain(`Basic ${Buffer.from(`x-access-token:${wrong}`).toString('base64')}`);
  });

  it('refuses a clone URL that embeds credentials', async () => {
    const port = createGitPort({ workspaceRoot: root });
    const err = await port.prepareWorkspace({ kind: 'remote', cloneUrl: `http://x-access-token:${TOKEN}@127.0.0.1/repo.git`, baseRef: 'main', headRef: 'feature' }, 'remote-4').catch((e: unknown) => e);
    expect(isTfError(err, 'USAGE')).toBe(true);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
  });
});
