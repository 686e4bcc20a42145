import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' },
  }).trim();
}

export interface RemoteFixture {
  root: string;
  /** `file://…/remotes`: holds `<owner>/<repo>.git`. */
  baseUrl: string;
  bare: string;
  seed: string;
  headSha: string;
  workRoot: string;
  cleanup(): void;
}

/** A bare `owner/repo.git` with `master` and a PR branch `changes` (also at `refs/pull/<n>/head`). */
export function createRemote(owner: string, repo: string, pullNumber: number): RemoteFixture {
  const root = mkdtempSync(join(tmpdir(), 'tfactory-gh-test-'));
  const bare = join(root, 'remotes', owner, `${repo}.git`);
  mkdirSync(bare, { recursive: true });
  git(bare, 'init', '--bare', '-q', '-b', 'master');
  const seed = join(root, 'seed');
  mkdirSync(seed);
  git(seed, 'init', '-q', '-b', 'master');
  writeFileSync(join(seed, 'app.py'), 'def price(x):\n    return x\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'checkout', '-q', '-b', 'changes');
  writeFileSync(join(seed, 'app.py'), 'def price(x):\n    return round(x, 2)\n');
  git(seed, 'commit', '-q', '-am', 'round prices');
  const headSha = git(seed, 'rev-parse', 'HEAD');
  git(seed, 'push', '-q', bare, 'master', 'changes', `changes:refs/pull/${pullNumber}/head`);
  const workRoot = join(root, 'work');
  mkdirSync(workRoot);
  return {
    root,
    baseUrl: `file://${join(root, 'remotes')}`,
    bare,
    seed,
    headSha,
    workRoot,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Every file under `dir` whose bytes contain one of the needles. */
export function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        const text = readFileSync(p).toString('latin1');
        if (needles.some((n) => text.includes(n))) hits.push(p);
      }
    }
  };
  walk(dir);
  return hits;
}
