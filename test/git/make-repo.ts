import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away git repository in os.tmpdir() for tests (plain git, no simple-git). */
export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(files: Record<string, string>): void;
  remove(...paths: string[]): void;
  /** Copy a file or folder from the repo's fixtures/ into the test repo. */
  copyFixture(fixturePath: string, dest: string): void;
  commit(message: string): string;
  cleanup(): void;
}

const FIXTURES = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures');

const GIT_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function makeRepo(prefix = 'tfactory-test-'): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write(files) {
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
    },
    remove(...paths) {
      for (const p of paths) unlinkSync(join(dir, p));
    },
    copyFixture(fixturePath, dest) {
      cpSync(join(FIXTURES, fixturePath), join(dir, dest), { recursive: true });
    },
    commit(message) {
      git('add', '-A');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
