import { rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { SpecSelection } from '../../src/criteria/types.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

function captureIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    env: {},
    cwd,
    isTty: false,
    out: () => out,
    err: () => err,
  };
}

describe('tfactory spec show', () => {
  let repo: TestRepo;
  let mainSha: string;
  let featureSha: string;

  beforeAll(() => {
    repo = makeRepo('tfactory-cli-spec-');
    repo.copyFixture('specs/aifactory/login-rate-limit', '.aifactory/specs/login-rate-limit');
    repo.write({ 'src/login.py': 'def login():\n    return True\n' });
    mainSha = repo.commit('base with one spec');
    repo.git('checkout', '--quiet', '-b', 'feature/discount-rules');
    repo.copyFixture('specs/aifactory/discount-rules', '.aifactory/specs/discount-rules');
    featureSha = repo.commit('add a second spec');
    repo.git('checkout', '--quiet', 'main');
  });
  afterAll(() => repo.cleanup());

  it('prints the chosen spec, why, its ACs with source lines, and the plan', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['spec', 'show'], io)).toBe(0);
    const out = io.out();
    expect(out).toContain('Spec:    login-rate-limit (AIFactory)');
    expect(out).toContain(`Path:    .aifactory/specs/login-rate-limit/spec.md @ ${mainSha.slice(0, 12)}`);
    expect(out).toContain('Chosen:  it is the only spec in the repository');
    expect(out).toContain('Acceptance criteria (3):');
    expect(out).toMatch(/AC#2 {2}A successful login resets the failure counter to zero\.\n\s+↳ \.aifactory\/specs\/login-rate-limit\/spec\.md:13 \(tagged\)/);
    expect(out).toContain('Plan: Login rate limiting · feature · completed');
    expect(out).toContain('  2. Lockout window [completed], 1 subtask');
    expect(out).toContain('Contract: lanes unit; frameworks unit=pytest; coverage target 80%');
    expect(io.err()).toBe('');
  });

  it('reads the spec at --ref (tree exported; the branch name picks the spec) and prints JSON', async () => {
    const io = captureIo('/');
    expect(await main(['spec', 'show', '--repo', repo.dir, '--ref', 'feature/discount-rules', '--json'], io)).toBe(0);
    const sel = JSON.parse(io.out()) as SpecSelection;
    expect(sel.reason).toBe('branch-name');
    expect(sel.candidates).toEqual(['discount-rules', 'login-rate-limit']);
    expect(sel.spec).toMatchObject({ id: 'discount-rules', commitSha: featureSha, path: '.aifactory/specs/discount-rules/spec.md' });
    expect(sel.spec.acs.map((a) => a.id)).toEqual(['AC#1', 'AC#2', 'AC#3']);
    // The working tree (on main) was not touched.
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('prints where it looked / the ids that exist, and exits 1', async () => {
    const missing = captureIo(repo.dir);
    expect(await main(['spec', 'show', '--ref', 'feature/discount-rules', '--spec', 'nope'], missing)).toBe(1);
    expect(missing.err()).toContain("spec 'nope' (given with --spec) not found; specs in this repository: discount-rules, login-rate-limit");
    expect(missing.out()).toBe('');

    const empty = makeRepo('tfactory-cli-empty-');
    try {
      empty.write({ 'a.py': 'x = 1\n' });
      empty.commit('no spec');
      const io = captureIo(empty.dir);
      expect(await main(['spec', 'show'], io)).toBe(0);
      expect(io.out()).toContain('Spec:    none found');
      expect(io.out()).toContain('Looked for:\n');
      expect(io.out()).toContain('.aifactory/specs/<spec-id>/spec.md: none');
      expect(io.out()).toContain('Warning: no --base given: the commit messages were not read');
    } finally {
      empty.cleanup();
    }
  });

  it('with no spec and --base: the criteria a run would derive from the commit messages, with their sources (no model called)', async () => {
    const empty = makeRepo('tfactory-cli-derive-');
    try {
      empty.write({ 'shop.py': 'def cost(w):\n    return 5\n' });
      empty.commit('base');
      empty.git('checkout', '--quiet', '-b', 'feature');
      empty.write({ 'shop.py': 'def cost(w):\n    return 5 + 2 * w\n' });
      const first = empty.commit('Price parcels by weight\n\nFixes #12');
      empty.write({ 'shop.py': 'def cost(w):\n    if w <= 0:\n        raise ValueError(w)\n    return 5 + 2 * w\n' });
      empty.commit('wip');
      empty.write({ 'shop.py': 'def cost(w):\n    if w <= 0:\n        raise ValueError("weight")\n    return 5 + 2 * w\n' });
      const third = empty.commit('Refuse zero and negative weights');
      const io = captureIo(empty.dir);
      expect(await main(['spec', 'show', '--base', 'main'], io)).toBe(0);
      const out = io.out();
      expect(out).toContain('Spec:    none found\nChosen:  no spec: criteria derived from 2 commit messages\nLooked for:\n');
      expect(out).toContain(`Sources read (3):\n  - ${first.slice(0, 12)}: 1 criterion\n`);
      expect(out).toContain(': 0 criteria\n');
      expect(out).toContain(`Derived acceptance criteria (2):\n  AC#1  Price parcels by weight\n        ↳ commit ${first.slice(0, 12)}\n  AC#2  Refuse zero and negative weights\n        ↳ commit ${third.slice(0, 12)}\n`);
      expect(out).not.toContain('Warning:');

      // As the App would see the PR: its title and description too; the issue it closes is named, not fetched.
      writeFileSync(join(empty.dir, '..', `${basename(empty.dir)}-body.md`), '<!-- template -->\nParcels cost 5 plus 2 per kg.\n\nFixes #12\n');
      const pr = captureIo(empty.dir);
      expect(await main(['spec', 'show', '--base', 'main', '--title', 'Shipping by weight', '--body', `../${basename(empty.dir)}-body.md`], pr)).toBe(0);
      expect(pr.out()).toContain('Chosen:  no spec: criteria derived from the PR title and description, 2 commit messages\n');
      expect(pr.out()).toContain('  AC#1  Shipping by weight\n        ↳ PR title\n  AC#2  Parcels cost 5 plus 2 per kg.\n        ↳ PR description:2\n');
      expect(pr.out()).toContain('Warning: linked issue #12: a GitHub run reads it through the REST API; not read here');
      expect(pr.out()).not.toContain('template');
      rmSync(join(empty.dir, '..', `${basename(empty.dir)}-body.md`));
      // A description with an Acceptance Criteria section is a spec of its own.
      const acs = captureIo(empty.dir);
      writeFileSync(join(empty.dir, 'body.md'), '## Acceptance Criteria\n- A parcel costs 5 plus 2 per kg.\n');
      expect(await main(['spec', 'show', '--body', 'body.md'], acs)).toBe(0);
      expect(acs.out()).toContain('Chosen:  the PR description states acceptance criteria');
      const missing = captureIo(empty.dir);
      expect(await main(['spec', 'show', '--body', 'nope.md'], missing)).toBe(2);
      expect(missing.err()).toContain('--body nope.md: no such file');

      const json = captureIo(empty.dir);
      expect(await main(['spec', 'show', '--base', 'main', '--json'], json)).toBe(0);
      const sel = JSON.parse(json.out()) as SpecSelection;
      expect(sel.reason).toBe('derived');
      expect(sel.spec.derived?.label).toBe('no spec: criteria derived from 2 commit messages');
      expect(sel.spec.acs.map((a) => a.text)).toEqual(['Price parcels by weight', 'Refuse zero and negative weights']);
    } finally {
      empty.cleanup();
    }
  });

  it('a spec over the size cap: one clear error naming the file, its size and the cap, exit 1', async () => {
    const big = makeRepo('tfactory-cli-big-');
    try {
      big.write({ '.aifactory/specs/huge/spec.md': `# Huge\n${'x'.repeat(1_500_000)}\n` });
      big.commit('a huge spec');
      const io = captureIo(big.dir);
      expect(await main(['spec', 'show'], io)).toBe(1);
      expect(io.err()).toContain('.aifactory/specs/huge/spec.md is 1.5 MB (1500008 bytes), over the 1 MB cap for spec files; it was not read');
      expect(io.err()).not.toContain('no spec found');
    } finally {
      big.cleanup();
    }
  });

  it('lists the candidates when the choice is ambiguous, and rejects a bad subcommand with exit 2', async () => {
    const io = captureIo(repo.dir);
    expect(await main(['spec', 'show', '--ref', featureSha], io)).toBe(1);
    expect(io.err()).toContain('several specs match this PR');
    expect(io.err()).toContain('discount-rules (.aifactory/specs/discount-rules), login-rate-limit (.aifactory/specs/login-rate-limit)');
    const bad = captureIo(repo.dir);
    expect(await main(['spec', 'list'], bad)).toBe(2);
  });
});
