import { chmodSync, existsSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { createGitPort } from '../../src/git/index.js';
import { PROTECTED_GIT_CONFIG, runGit } from '../../src/git/run-git.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

/**
 * A repository whose own configuration names commands (hooks, fsmonitor, a smudge filter, an
 * external diff) that leave a marker file when they run. Nothing TFactory does with git on the
 * host may run any of them (issue: git never runs repository-controlled commands).
 */
describe('git on the host never runs commands the repository configures', () => {
  let repo: TestRepo;
  let marker: string;
  let baseSha: string;
  let headSha: string;

  beforeAll(() => {
    repo = makeRepo('tfactory-hostile-git-');
    marker = join(repo.dir, '..', `${repo.dir.split('/').pop() ?? 'x'}-ran`);
    const script = join(repo.dir, '.git', 'evil.sh');
    repo.write({ '.git/evil.sh': `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n` });
    chmodSync(script, 0o755);
    repo.write({ 'src/app.py': 'def total():\n    return 1\n', '.gitattributes': '*.py filter=evil diff=evil\n' });
    baseSha = repo.commit('base');
    repo.write({ 'src/app.py': 'def total():\n    return 2\n', 'run.sh': '#!/bin/sh\necho hi\n' });
    chmodSync(join(repo.dir, 'run.sh'), 0o755);
    symlinkSync('src/app.py', join(repo.dir, 'link.py'));
    headSha = repo.commit('head');
    // Configured after the commits, so that only TFactory's git calls could trigger them.
    for (const hook of ['post-checkout', 'pre-commit', 'post-index-change', 'reference-transaction']) {
      repo.write({ [`.git/hooks/${hook}`]: `#!/bin/sh\necho ${hook} >> '${marker}'\n` });
      chmodSync(join(repo.dir, '.git', 'hooks', hook), 0o755);
    }
    repo.git('config', 'core.fsmonitor', script);
    repo.git('config', 'filter.evil.smudge', script);
    repo.git('config', 'filter.evil.clean', script);
    repo.git('config', 'diff.evil.textconv', script);
    repo.git('config', 'diff.external', script);
    repo.git('config', 'core.pager', script);
    repo.git('config', 'core.hooksPath', join(repo.dir, '.git', 'hooks'));
    if (existsSync(marker)) throw new Error('the fixture itself triggered a command');
  });
  afterAll(async () => {
    repo.cleanup();
    await rm(marker, { force: true });
  });

  it('diff, read, resolve and export run nothing and export the raw bytes', async () => {
    const git = createGitPort();
    expect(await git.resolveCommit(repo.dir, 'HEAD')).toBe(headSha);
    const diff = await git.diff(repo.dir, baseSha, headSha);
    expect(diff.files.map((f) => f.path).sort()).toEqual(['link.py', 'run.sh', 'src/app.py']);
    const out = await mkdtemp(join(tmpdir(), 'tfactory-export-'));
    try {
      await git.exportTree(repo.dir, headSha, out);
      expect(readFileSync(join(out, 'src/app.py'), 'utf8')).toBe('def total():\n    return 2\n');
      expect(lstatSync(join(out, 'link.py')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(out, 'link.py'))).toBe('src/app.py');
      expect(statSync(join(out, 'run.sh')).mode & 0o111).not.toBe(0);
      expect(statSync(join(out, 'src/app.py')).mode & 0o111).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
  });

  it('tfactory spec show in the repository runs nothing', async () => {
    const io: CliIo = { stdout: () => {}, stderr: () => {}, env: {}, cwd: repo.dir, isTty: false };
    await main(['spec', 'show', '--repo', repo.dir, '--base', baseSha], io);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
  });

  it('every git process sees the protected settings above the repository\'s own', async () => {
    for (const [key, value] of PROTECTED_GIT_CONFIG) {
      const seen = (await runGit(repo.dir, ['config', '--get', key]).catch(() => '')).trim();
      expect(`${key}=${seen}`).toBe(`${key}=${value}`);
    }
    // The caller's own entries (an auth header) still come first and survive.
    const header = await runGit(repo.dir, ['config', '--get', 'http.extraHeader'], { env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: 'X-Test: 1' } });
    expect(header.trim()).toBe('X-Test: 1');
  });
});
