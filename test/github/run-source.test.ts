import { describe, expect, it } from 'vitest';
import { idempotencyKeyFor, isRunOfPull, sourceFromPull, type PullLike } from '../../src/github/run-source.js';
import { makeRun } from '../fakes/runs.js';
import { githubSource, localSource, makeRequest } from '../runs/fixtures/requests.js';

const PULL: PullLike = { number: 2, title: 'Round prices', body: 'Spec: 042-discounts', head: { ref: 'changes', sha: 'h'.repeat(40), repo: { full_name: 'fork/Hello-World' } }, base: { ref: 'master' } };

describe('sourceFromPull', () => {
  it('takes refs, head SHA, head repository, title and body from the pull request', () => {
    expect(sourceFromPull('Codertocat', 'Hello-World', 9, PULL)).toEqual({
      kind: 'github', owner: 'Codertocat', repo: 'Hello-World', pullNumber: 2, installationId: 9,
      headRepoFullName: 'fork/Hello-World', headRef: 'changes', baseRef: 'master', headSha: 'h'.repeat(40),
      prTitle: 'Round prices', prBody: 'Spec: 042-discounts',
    });
  });

  it('falls back to the base repository when the head repository is gone, and leaves out an empty title or body', () => {
    const source = sourceFromPull('o', 'r', 1, { ...PULL, title: '', body: null, head: { ...PULL.head, repo: null } });
    expect(source.headRepoFullName).toBe('o/r');
    expect(source).not.toHaveProperty('prTitle');
    expect(source).not.toHaveProperty('prBody');
  });
});

describe('idempotencyKeyFor', () => {
  it('is one key per delivery, event and action', () => {
    expect(idempotencyKeyFor('d-1', 'pull_request', 'labeled')).toBe('github:d-1:pull_request.labeled');
    expect(idempotencyKeyFor('d-1', 'pull_request', 'labeled')).not.toBe(idempotencyKeyFor('d-2', 'pull_request', 'labeled'));
    expect(idempotencyKeyFor('d-1', 'pull_request', 'labeled')).not.toBe(idempotencyKeyFor('d-1', 'pull_request', 'synchronize'));
  });
});

describe('isRunOfPull', () => {
  const run = makeRun({ request: makeRequest({ source: githubSource(7, 'acme', 'shop') }) });
  it('matches owner, repo and number exactly', () => {
    expect(isRunOfPull(run, 'acme', 'shop', 7)).toBe(true);
    expect(isRunOfPull(run, 'acme', 'shop', 8)).toBe(false);
    expect(isRunOfPull(run, 'acme', 'other', 7)).toBe(false);
    expect(isRunOfPull(run, 'other', 'shop', 7)).toBe(false);
  });
  it('never matches a local run', () => {
    expect(isRunOfPull(makeRun({ request: makeRequest({ source: localSource() }) }), 'acme', 'shop', 7)).toBe(false);
  });
});
