import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSource, subjectKeyOf } from '../../src/runs/subject.js';
import { githubSource, localSource } from './fixtures/requests.js';

describe('subjectKeyOf', () => {
  it('groups runs of one pull request whatever the case of owner and repo', () => {
    expect(subjectKeyOf(githubSource(7, 'Acme', 'Shop'))).toBe('github:acme/shop#7');
    expect(subjectKeyOf(githubSource(7, 'acme', 'shop'))).toBe(subjectKeyOf(githubSource(7, 'ACME', 'SHOP')));
  });

  it('keeps pull requests and repositories apart', () => {
    expect(subjectKeyOf(githubSource(7))).not.toBe(subjectKeyOf(githubSource(8)));
    expect(subjectKeyOf(githubSource(7, 'acme', 'shop'))).not.toBe(subjectKeyOf(githubSource(7, 'acme', 'shop2')));
  });

  it('keys a local repository by its absolute path', () => {
    expect(subjectKeyOf(localSource('/tmp/repo'))).toBe('local:/tmp/repo');
    expect(subjectKeyOf(localSource('/tmp/x/../repo/'))).toBe('local:/tmp/repo');
    expect(subjectKeyOf(localSource('relative/repo'))).toBe(`local:${resolve('relative/repo')}`);
  });
});

describe('describeSource', () => {
  it('names a pull request as owner/repo#n, keeping the case', () => {
    expect(describeSource(githubSource(42, 'Codertocat', 'Hello-World'))).toBe('Codertocat/Hello-World#42');
  });

  it('names a local run by path and range', () => {
    expect(describeSource({ kind: 'local', repoPath: '/src/shop', baseRef: 'main', headRef: 'feature' })).toBe('/src/shop (main...feature)');
  });
});
