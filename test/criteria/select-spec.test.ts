import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTfError, TfError } from '../../src/errors.js';
import { createGitPort } from '../../src/git/create-git-port.js';
import { selectSpec } from '../../src/criteria/select-spec.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function newRepo(): TestRepo {
  const r = makeRepo('tfactory-spec-');
  repos.push(r);
  r.write({ 'src/app.py': 'def f():\n    return 1\n' });
  return r;
}

/** Commit a base on main, then a feature branch commit; return what the pipeline would pass. */
async function openPr(r: TestRepo, branch: string, change: () => void): Promise<{ changedPaths: string[]; commitSha: string }> {
  r.commit('base');
  r.git('checkout', '--quiet', '-b', branch);
  change();
  const commitSha = r.commit('feature');
  const diff = await createGitPort().diff(r.dir, 'main', branch);
  return { changedPaths: diff.files.map((f) => f.path), commitSha };
}

async function errorOf(p: Promise<unknown>): Promise<TfError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof TfError)) throw new Error(`expected a TfError, got ${String(err)}`);
  return err;
}

describe('selectSpec', () => {
  it('picks the AIFactory spec folder the diff touches, with plan, contract, hash and commit', async () => {
    const r = newRepo();
    r.copyFixture('specs/aifactory/cart-totals', '.aifactory/specs/cart-totals');
    r.copyFixture('specs/aifactory/login-rate-limit/spec.md', '.aifactory/specs/login-rate-limit/spec.md');
    const pr = await openPr(r, 'feature/x', () => {
      r.copyFixture('specs/aifactory/login-rate-limit', '.aifactory/specs/login-rate-limit');
      r.write({ 'src/app.py': 'def f():\n    return 2\n' });
    });
    const sel = await selectSpec({ dir: r.dir, ...pr, headBranch: 'feature/x' });
    expect(sel.reason).toBe('diff-touches');
    expect(sel.candidates).toEqual(['cart-totals', 'login-rate-limit']);
    const spec = sel.spec;
    expect({ kind: spec.kind, id: spec.id, path: spec.path, title: spec.title, commitSha: spec.commitSha }).toEqual({
      kind: 'aifactory', id: 'login-rate-limit', path: '.aifactory/specs/login-rate-limit/spec.md', title: 'Specification: Login rate limiting', commitSha: pr.commitSha,
    });
    const text = readFileSync(join(r.dir, spec.path), 'utf8');
    expect(spec.contentHash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(spec.acs.map((a) => a.id)).toEqual(['AC#1', 'AC#2', 'AC#3']);
    expect(spec.acs[0]?.source).toEqual({ path: '.aifactory/specs/login-rate-limit/spec.md', line: 12 });
    expect(spec.plan).toEqual({
      feature: 'Login rate limiting', workflowType: 'feature', status: 'completed',
      phases: [{ name: 'Failure counter', subtasks: 2, status: 'completed' }, { name: 'Lockout window', subtasks: 1, status: 'completed' }],
      filesToModify: ['src/auth/login.py', 'src/auth/lockout.py', 'src/auth/clock.py'],
    });
    expect(spec.contract).toEqual({
      lanes: ['unit'], frameworks: { unit: 'pytest' }, coverageTarget: 0.8,
      mutationScope: ['src/auth/login.py', 'src/auth/lockout.py'],
      acToCodeMap: { 'AC#1': ['src/auth/login.py:login'], 'AC#3': ['src/auth/lockout.py:is_locked'] },
    });
  });

  it('takes the only spec in the repo: an Agent OS spec with tests.md and tasks.md', async () => {
    const r = newRepo();
    r.copyFixture('specs/agent-os/2025-01-29-password-reset', '.agent-os/specs/2025-01-29-password-reset');
    const pr = await openPr(r, 'fix-typo', () => r.write({ 'src/app.py': 'def f():\n    return 3\n' }));
    const sel = await selectSpec({ dir: r.dir, ...pr, headBranch: 'fix-typo' });
    expect(sel.reason).toBe('only-spec');
    expect(sel.spec.kind).toBe('agent-os');
    expect(sel.spec.title).toBe('Password Reset');
    const base = '.agent-os/specs/2025-01-29-password-reset';
    expect(sel.spec.acs.map((a) => [a.id, a.syntax, a.source.path, a.source.line, a.text])).toEqual([
      ['AC#1', 'bullet', `${base}/spec.md`, 28, 'Requesting a reset for a known email sends exactly one email containing a single-use link.'],
      ['AC#2', 'bullet', `${base}/spec.md`, 29, 'A reset link older than 30 minutes is rejected.'],
      ['AC#3', 'bullet', `${base}/spec.md`, 30, 'Completing a reset invalidates all existing sessions of the user.'],
      ['AC#4', 'bullet', `${base}/sub-specs/tests.md`, 13, 'ResetToken: Generates a different token on every call'],
      ['AC#5', 'bullet', `${base}/sub-specs/tests.md`, 14, 'ResetToken: Reports a token older than 30 minutes as expired'],
      ['AC#6', 'bullet', `${base}/sub-specs/tests.md`, 19, 'Reset flow: Completing a reset with a used token fails'],
    ]);
    expect(sel.spec.plan).toEqual({
      status: 'in_progress',
      phases: [{ name: 'Reset tokens', status: 'completed', subtasks: 3 }, { name: 'Reset flow', status: 'in_progress', subtasks: 2 }],
      filesToModify: [],
    });
  });

  it('reads the PR description when the repo has no spec', async () => {
    const r = newRepo();
    const pr = await openPr(r, 'shipping', () => r.write({ 'src/app.py': 'def f():\n    return 4\n' }));
    const prBody = readFileSync(join(import.meta.dirname, '../../fixtures/specs/pr-bodies/with-acs.md'), 'utf8');
    const sel = await selectSpec({ dir: r.dir, ...pr, prBody, prNumber: 42 });
    expect(sel.reason).toBe('pr-description');
    expect(sel.spec).toMatchObject({ kind: 'pr-body', id: 'pr-42', path: 'PR #42 description', commitSha: pr.commitSha });
    expect(sel.spec.acs.map((a) => [a.id, a.syntax, a.source.line, a.text])).toEqual([
      ['AC#1', 'checklist', 5, '`shipping_cost(weight)` returns 5 plus 1 per kg.'],
      ['AC#2', 'checklist', 6, 'A negative weight raises `ValueError`.'],
    ]);
  });

  it('follows an explicit id, and a TFactory-Spec line (reading a loose plan without failing)', async () => {
    const r = newRepo();
    r.copyFixture('specs/aifactory/discount-rules', '.aifactory/specs/discount-rules');
    r.copyFixture('specs/aifactory/cart-totals', '.aifactory/specs/cart-totals');
    const pr = await openPr(r, 'feature/cart-totals', () => r.write({ 'src/app.py': 'x = 1\n' }));
    const explicit = await selectSpec({ dir: r.dir, ...pr, explicitId: 'discount-rules', headBranch: 'feature/cart-totals' });
    expect([explicit.reason, explicit.spec.id]).toEqual(['explicit', 'discount-rules']);
    const prBody = readFileSync(join(import.meta.dirname, '../../fixtures/specs/pr-bodies/trailer.md'), 'utf8');
    const trailer = await selectSpec({ dir: r.dir, ...pr, prBody, headBranch: 'feature/cart-totals' });
    expect([trailer.reason, trailer.spec.id]).toEqual(['pr-body-trailer', 'discount-rules']);
    expect(trailer.spec.plan).toEqual({
      phases: [{ name: 'Percentage discount', status: 'complete', subtasks: 0 }, { name: 'Validation', status: 'in_progress', subtasks: 0 }],
      filesToModify: [],
    });
    const branch = await selectSpec({ dir: r.dir, ...pr, headBranch: 'feature/cart-totals' });
    expect([branch.reason, branch.spec.id]).toEqual(['branch-name', 'cart-totals']);
  });

  it('reports an explicit id that does not exist, listing the ids that do', async () => {
    const r = newRepo();
    r.copyFixture('specs/aifactory/discount-rules', '.aifactory/specs/discount-rules');
    r.copyFixture('specs/agent-os/2025-01-29-password-reset', '.agent-os/specs/2025-01-29-password-reset');
    const pr = await openPr(r, 'b', () => r.write({ 'src/app.py': 'x = 2\n' }));
    const err = await errorOf(selectSpec({ dir: r.dir, ...pr, explicitId: 'nope' }));
    expect(err.code).toBe('SPEC_NOT_FOUND');
    expect(err.message).toContain('discount-rules, 2025-01-29-password-reset');
    expect(err.details.available).toEqual(['discount-rules', '2025-01-29-password-reset']);
    const bySlug = await selectSpec({ dir: r.dir, ...pr, explicitId: 'password-reset' });
    expect(bySlug.spec.id).toBe('2025-01-29-password-reset');
  });

  it('says where it looked when there is no spec at all', async () => {
    const r = newRepo();
    const pr = await openPr(r, 'b', () => r.write({ 'src/app.py': 'x = 3\n' }));
    const err = await errorOf(selectSpec({ dir: r.dir, ...pr, prBody: 'Just a fix.\n', prNumber: 7 }));
    expect(isTfError(err, 'SPEC_NOT_FOUND')).toBe(true);
    for (const place of ['--spec', 'TFactory-Spec', '.aifactory/specs/<spec-id>/spec.md', '.agent-os/specs/<YYYY-MM-DD-slug>/spec.md', 'PR #7 description']) {
      expect(err.message).toContain(place);
    }
    expect(err.details.looked).toHaveLength(5);
  });

  it('asks rather than guesses when several specs remain', async () => {
    const r = newRepo();
    r.copyFixture('specs/aifactory/discount-rules', '.aifactory/specs/discount-rules');
    r.copyFixture('specs/aifactory/cart-totals', '.aifactory/specs/cart-totals');
    r.copyFixture('specs/aifactory/checkout-checklist', '.aifactory/specs/checkout-checklist');
    const pr = await openPr(r, 'misc', () => r.write({ 'src/app.py': 'x = 4\n' }));
    const none = await errorOf(selectSpec({ dir: r.dir, ...pr, headBranch: 'misc' }));
    expect(none.code).toBe('SPEC_AMBIGUOUS');
    expect(none.details.candidates).toEqual(['cart-totals', 'checkout-checklist', 'discount-rules']);

    r.git('checkout', '--quiet', 'main');
    r.git('checkout', '--quiet', '-b', 'two');
    r.write({ '.aifactory/specs/cart-totals/notes.md': 'n\n', '.aifactory/specs/discount-rules/notes.md': 'n\n' });
    r.commit('touch two specs');
    const diff = await createGitPort().diff(r.dir, 'main', 'two');
    const touched = await errorOf(selectSpec({ dir: r.dir, changedPaths: diff.files.map((f) => f.path), headBranch: 'two' }));
    expect(touched.code).toBe('SPEC_AMBIGUOUS');
    expect(touched.details.candidates).toEqual(['cart-totals', 'discount-rules']);
    expect(touched.message).toContain('cart-totals (.aifactory/specs/cart-totals)');
  });
});
