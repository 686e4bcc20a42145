import { describe, expect, it } from 'vitest';
import { gitBaseFromApiBase, gitBaseFromEnv, repoRemoteUrl } from '../../src/git/remote-url.js';

describe('git remote of a GitHub repository (GitHub.com and GHES)', () => {
  it('derives the git host from the REST base Probot was given', () => {
    expect(gitBaseFromApiBase(undefined)).toBe('https://github.com');
    expect(gitBaseFromApiBase('https://api.github.com')).toBe('https://github.com');
    expect(gitBaseFromApiBase('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(gitBaseFromApiBase('http://127.0.0.1:8080/api/v3/')).toBe('http://127.0.0.1:8080');
  });

  it('reads GHE_HOST and GHE_PROTOCOL as Probot does', () => {
    expect(gitBaseFromEnv({})).toBeUndefined();
    expect(gitBaseFromEnv({ GHE_HOST: 'ghe.example.com' })).toBe('https://ghe.example.com');
    expect(gitBaseFromEnv({ GHE_HOST: '127.0.0.1:8080', GHE_PROTOCOL: 'http' })).toBe('http://127.0.0.1:8080');
  });

  it('uses the API clone_url only when it is on the git host, so the token goes nowhere else', () => {
    expect(repoRemoteUrl('https://ghe.example.com', 'o/r', 'https://ghe.example.com/o/r.git')).toBe('https://ghe.example.com/o/r.git');
    expect(repoRemoteUrl('https://ghe.example.com', 'o/r', 'https://evil.example.net/o/r.git')).toBe('https://ghe.example.com/o/r.git');
    expect(repoRemoteUrl('https://ghe.example.com', 'o/r', 'https://user:pw@ghe.example.com/o/r.git')).toBe('https://ghe.example.com/o/r.git');
    expect(repoRemoteUrl('file:///tmp/remotes/', 'o/r', 'https://github.com/o/r.git')).toBe('file:///tmp/remotes/o/r.git');
    expect(repoRemoteUrl('https://github.com', 'o/r')).toBe('https://github.com/o/r.git');
  });
});
