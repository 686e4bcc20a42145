import { describe, expect, it } from 'vitest';
import { hashText } from '../../src/criteria/load-spec.js';
import { prLabel, readPrBodySpec, readSpecTrailer } from '../../src/criteria/pr-body.js';

const BODY = 'Rounds prices.\n\n## Acceptance Criteria\n- Prices round to cents\n- Negative prices raise\n\n## Notes\n- [ ] update docs\n';

describe('readSpecTrailer', () => {
  it('reads a TFactory-Spec or AIFactory-Spec line, case-insensitively', () => {
    expect(readSpecTrailer('Fixes it.\n\nTFactory-Spec: 042-discounts\n')).toBe('042-discounts');
    expect(readSpecTrailer('aifactory-spec:   007-shipping  ')).toBe('007-shipping');
  });

  it('ignores a trailer inside a sentence, or with two words, or no body', () => {
    expect(readSpecTrailer('see TFactory-Spec: 042 for details')).toBeUndefined();
    expect(readSpecTrailer('TFactory-Spec: 042 discounts')).toBeUndefined();
    expect(readSpecTrailer(undefined)).toBeUndefined();
    expect(readSpecTrailer('')).toBeUndefined();
  });
});

describe('prLabel', () => {
  it('names the description with the PR number when known', () => {
    expect(prLabel(7)).toBe('PR #7 description');
    expect(prLabel(undefined)).toBe('PR description');
  });
});

describe('readPrBodySpec', () => {
  it('reads the Acceptance Criteria section as a pr-body spec', () => {
    const spec = readPrBodySpec(BODY, { prNumber: 7, commitSha: 'c'.repeat(40), checklists: false });
    expect(spec).toMatchObject({ kind: 'pr-body', id: 'pr-7', title: 'Pull request #7', path: 'PR #7 description', commitSha: 'c'.repeat(40), contentHash: hashText(BODY) });
    expect(spec?.acs.map((a) => [a.id, a.text])).toEqual([['AC#1', 'Prices round to cents'], ['AC#2', 'Negative prices raise']]);
  });

  it('has no PR number or commit when not given', () => {
    const spec = readPrBodySpec(BODY, { checklists: false });
    expect(spec).toMatchObject({ id: 'pr', title: 'Pull request description', path: 'PR description' });
    expect(spec).not.toHaveProperty('commitSha');
  });

  it('reads checklists anywhere only when asked, and is undefined without criteria', () => {
    const checklist = 'Plan:\n- [ ] totals include tax\n- [x] totals round\n';
    expect(readPrBodySpec(checklist, { checklists: false })).toBeUndefined();
    expect(readPrBodySpec(checklist, { checklists: true })?.acs.map((a) => a.text)).toEqual(['totals include tax', 'totals round']);
    expect(readPrBodySpec('Just a refactor.', { checklists: true })).toBeUndefined();
  });
});
