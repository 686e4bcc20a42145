import { describe, expect, it } from 'vitest';
import { deriveCriteria, DERIVE_LIMITS } from '../../../src/criteria/derive/derive-criteria.js';
import { deriveSpecSelection } from '../../../src/criteria/derive/derive-spec.js';
import { TfError } from '../../../src/errors.js';

const sha = (c: string) => c.repeat(40);

describe('deriveCriteria', () => {
  it('names only the sources that gave a criterion; a commit subject repeating the title adds nothing', () => {
    const spec = deriveCriteria({
      pr: { number: 7, title: 'Price shipping by weight', body: 'Fixes #12' },
      issues: [{ ref: '#12', title: 'Heavy parcels cost too little' }],
      commits: [{ sha: sha('a'), message: 'Price shipping by weight' }, { sha: sha('b'), message: 'Refuse zero weights' }, { sha: sha('c'), message: 'wip' }],
      commitSha: sha('f'),
    });
    expect(spec.derived?.label).toBe('no spec: criteria derived from the PR title, #12, 1 commit message');
    expect(spec).toMatchObject({ kind: 'derived', id: 'derived', path: 'PR #7', commitSha: sha('f'), title: 'No spec: criteria derived from the PR title, #12, 1 commit message' });
    expect(spec.acs).toEqual([
      { id: 'AC#1', text: 'Price shipping by weight', syntax: 'derived', source: { path: 'PR #7 title', line: 1 } },
      { id: 'AC#2', text: 'Heavy parcels cost too little', syntax: 'derived', source: { path: 'issue #12 title', line: 1 } },
      { id: 'AC#3', text: 'Refuse zero weights', syntax: 'derived', source: { path: 'commit bbbbbbbbbbbb', line: 1 } },
    ]);
    expect(spec.derived?.sources.map((s) => `${s.kind}:${s.ref}:${s.criteria}`)).toEqual([
      'pr-title:PR #7 title:1', 'pr-body:PR #7 description:0', 'issue:#12:1', 'commit:aaaaaaaaaaaa:0', 'commit:bbbbbbbbbbbb:1', 'commit:cccccccccccc:0',
    ]);
    expect(spec.warnings).toBeUndefined();
  });

  it('a local change: the commit messages; with nothing to read, the diff alone (and says so)', () => {
    const local = deriveCriteria({ issues: [], commits: [{ sha: sha('a'), message: 'Add a discount for members' }, { sha: sha('b'), message: 'Round prices to cents' }] });
    expect(local.derived?.label).toBe('no spec: criteria derived from 2 commit messages');
    expect(local.path).toBe('commit messages');
    const none = deriveCriteria({ pr: { number: 3, title: 'wip', body: '' }, issues: [], commits: [] });
    expect(none.acs).toEqual([]);
    expect(none.derived?.label).toMatch(/^no spec: criteria derived from the diff alone/);
    expect(none.warnings).toEqual(['no criterion could be read from the PR or its commits; tests are planned from the diff alone']);
  });

  it('the description alone, and the caps: per source and in all', () => {
    const body = Array.from({ length: 20 }, (_, i) => `- rule number ${i + 1} holds`).join('\n');
    const commits = Array.from({ length: 30 }, (_, i) => ({ sha: `${i}`.padStart(40, '0'), message: `Change number ${i + 1} is made` }));
    const spec = deriveCriteria({ pr: { number: 9, body }, issues: [], commits });
    expect(spec.acs).toHaveLength(DERIVE_LIMITS.total);
    expect(spec.acs.filter((a) => a.source.path === 'PR #9 description')).toHaveLength(DERIVE_LIMITS.prBody);
    expect(spec.derived?.label).toBe(`no spec: criteria derived from the PR description, ${DERIVE_LIMITS.total - DERIVE_LIMITS.prBody} commit messages`);
  });

  it('the same sources give the same content hash; other text another', () => {
    const a = deriveCriteria({ pr: { number: 1, title: 'Price shipping by weight' }, issues: [], commits: [] });
    const b = deriveCriteria({ pr: { number: 1, title: 'Price shipping by weight' }, issues: [], commits: [] });
    const c = deriveCriteria({ pr: { number: 1, title: 'Price shipping by volume' }, issues: [], commits: [] });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
  });
});

describe('deriveSpecSelection', () => {
  it('reads the issues the PR and its commits close (not the PR itself); a reader failure is a warning', async () => {
    const asked: string[] = [];
    const sel = await deriveSpecSelection({
      pr: { owner: 'acme', repo: 'shop', number: 7, title: 'Price by weight (fixes #7)', body: 'Closes #12\nFixes acme/other#3' },
      readCommits: async () => [{ sha: sha('a'), message: 'Refuse zero weights\n\nResolves #13' }],
      readIssue: async (ref) => {
        asked.push(`${ref.owner}/${ref.repo}#${ref.number}`);
        if (ref.number === 3) throw new TfError('GIT_FAILED', 'HTTP 500 from the API');
        if (ref.number === 13) return undefined;
        return { title: 'Weight is ignored', body: 'x'.repeat(50_000) };
      },
    });
    expect(asked).toEqual(['acme/shop#12', 'acme/other#3', 'acme/shop#13']);
    expect(sel.reason).toBe('derived');
    expect(sel.spec.derived?.label).toBe('no spec: criteria derived from the PR title, #12, 1 commit message');
    expect(sel.spec.warnings).toEqual([
      'linked issue acme/other#3 could not be read: HTTP 500 from the API',
      "linked issue #13 could not be read (not found, or not visible to the App's installation)",
    ]);
  });

  it('a local run reads no issues, and a commit log that fails is a warning', async () => {
    const sel = await deriveSpecSelection({ readCommits: async () => { throw new TfError('GIT_FAILED', 'git log failed: bad revision'); } });
    expect(sel.spec.warnings).toContain('the commit messages could not be read: git log failed: bad revision');
    expect(sel.spec.acs).toEqual([]);
  });
});
