import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommitMessages } from '../../src/git/commit-log.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

describe('readCommitMessages', () => {
  let repo: TestRepo;
  let base: string;
  const shas: string[] = [];
  beforeAll(() => {
    repo = makeRepo('tfactory-commit-log-');
    repo.write({ 'a.py': 'x = 1\n' });
    base = repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ 'a.py': 'x = 2\n' });
    shas.push(repo.commit('Price parcels by weight\n\nHeavier parcels cost more.\nFixes #12'));
    repo.git('checkout', '--quiet', 'main');
    repo.write({ 'b.py': 'y = 1\n' });
    repo.commit('unrelated on main');
    repo.git('checkout', '--quiet', 'feature');
    repo.git('merge', '--quiet', '--no-edit', 'main');
    repo.write({ 'a.py': 'x = 3\n' });
    // A message with characters a careless parser would split on.
    shas.push(repo.commit('Refuse zero weights\n\nsep \u001e and nul-like \u0001 stay text'));
  });
  afterAll(() => repo.cleanup());

  it('gives the messages base..head, oldest first, without merge commits (main merged in brings its commit, as git log base..head does)', async () => {
    const got = await readCommitMessages(repo.dir, base, 'feature');
    // (Commits of one second on two branches have no order of their own: compared as a set, with the newest last.)
    expect(got.map((c) => c.message.split('\n')[0]).sort()).toEqual(['Price parcels by weight', 'Refuse zero weights', 'unrelated on main']);
    expect(got.find((c) => c.sha === shas[0])).toEqual({ sha: shas[0], message: 'Price parcels by weight\n\nHeavier parcels cost more.\nFixes #12' });
    expect(got.at(-1)).toEqual({ sha: shas[1], message: 'Refuse zero weights\n\nsep \u001e and nul-like \u0001 stay text' });
  });

  it('keeps the newest `max`, and refuses a ref that would be an option', async () => {
    expect((await readCommitMessages(repo.dir, base, 'feature', 1)).map((c) => c.message.split('\n')[0])).toEqual(['Refuse zero weights']);
    await expect(readCommitMessages(repo.dir, '--output=/tmp/x', 'feature')).rejects.toMatchObject({ code: 'USAGE' });
  });
});
