import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { renderOutcomeText, type DemoOutcome } from '../../src/cli/commands/demo.js';
import { runGit } from '../../src/git/run-git.js';
import { requireDocker } from '../helpers/docker.js';
import { captureIo, createScratch } from './demo-harness.js';
import { readModelAnswers } from './good-model.js';

/**
 * `tfactory demo` for real: the demo repository, the whole pipeline with the recorded model
 * (fixtures/demo/transcript.json), the sandbox, the verdicts and the commit on `feature`.
 */

const hasDocker = requireDocker();

describe('tfactory demo: options', () => {
  it('is registered, explains itself with --help, and refuses an unknown format before building anything', async () => {
    const help = captureIo(process.env, process.cwd());
    expect(await main(['demo', '--help'], help)).toBe(0);
    expect(help.out.join('')).toContain('recorded conversation');
    const bad = captureIo(process.env, process.cwd());
    expect(await main(['demo', '--format', 'xml'], bad)).toBe(2);
    expect(bad.err.join('')).toContain('--format must be md, json or text');
    expect(bad.out.join('')).toBe('');
  });
});

describe('tfactory demo: the outcome in a terminal', () => {
  const outcome: DemoOutcome = {
    succeeded: true, report: null, llm: 'replay:x', runId: 'run-1',
    commit: { sha: 'f'.repeat(40), branch: 'feature', message: 'test: add 1 test file for a spec whose name is long enough to need cutting (TFactory)', files: ['tests/test_a.py'], stat: `commit ${'f'.repeat(40)}\nAuthor: TFactory <t@x>\n\n    test: add 1 test file for a spec whose name is long enough to need cutting (TFactory)\n\n tests/test_a.py | 3 +++` },
    repo: { path: '/tmp/tfactory-demo-shop-x', kept: true, base: 'main', head: 'feature' },
  };

  it('shows the commit and the repository without markdown, within the width, coloured only on a terminal', () => {
    const plain = renderOutcomeText(outcome, { ...captureIo({ COLUMNS: '60' }, '/'), isTty: false });
    for (const line of plain.split('\n')) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(plain).not.toMatch(/^#|```|^---/m);
    expect(plain).toContain('Repository kept at /tmp/tfactory-demo-shop-x');
    expect(plain).toContain(`Committed ${'f'.repeat(12)} on feature: test: add`);
    expect(plain.split('\n').filter(Boolean).length).toBeLessThanOrEqual(5);
    expect(plain).toContain('…');
    expect(plain).not.toContain('\x1b');
    expect(renderOutcomeText(outcome, { ...captureIo({ COLUMNS: '60' }, '/'), isTty: true })).toContain('\x1b[32mDemo succeeded');
  });
});

describe.skipIf(!hasDocker)('tfactory demo', () => {
  let scratch: Awaited<ReturnType<typeof createScratch>>;
  let code: number;
  let outcome: DemoOutcome;
  let stderr: string;

  beforeAll(async () => {
    scratch = await createScratch('tfactory-demo-test-');
    const io = captureIo(scratch.env, scratch.dir);
    code = await main(['demo', '--format', 'json', '--keep'], io);
    stderr = io.err.join('');
    outcome = JSON.parse(io.out.join('')) as DemoOutcome;
  }, 600_000);

  afterAll(async () => {
    if (outcome?.repo.kept) await rm(outcome.repo.path, { recursive: true, force: true });
    await scratch?.remove();
  });

  it('succeeds with the recorded model and says so on stderr', () => {
    expect(code, stderr).toBe(0);
    expect(outcome.succeeded).toBe(true);
    expect(outcome.llm).toMatch(/^replay:.*fixtures[\\/]demo[\\/]transcript\.json$/);
    expect(stderr).toContain('· recorded model');
    expect(outcome.report?.summary.errors).toBe(0);
  });

  it('accepts at least one test for every AC that has a good answer, and verifies those ACs', () => {
    const report = outcome.report;
    if (!report) throw new Error('no report');
    for (const ac of readModelAnswers().byAc.keys()) {
      const accepted = report.tests.filter((t) => t.verdict === 'accept' && t.acIds.includes(ac));
      expect(accepted.length, `accepted tests for ${ac}: ${JSON.stringify(report.tests.map((t) => [t.id, t.verdict, t.reasons.map((r) => r.code)]))}`).toBeGreaterThan(0);
      expect(report.acs.find((a) => a.id === ac)?.status).toBe('verified');
    }
    expect(report.stuck).toEqual([]);
  });

  it('rejected the hallucinated import with the guard and replanned its subtask', () => {
    const report = outcome.report;
    if (!report) throw new Error('no report');
    const note = report.notes.find((n) => /rejected and the subtask replanned/.test(n));
    expect(note, report.notes.join('\n')).toBeDefined();
    expect(note).toMatch(/AC#3/);
    expect(note).toMatch(/INTERNATIONAL_MULTIPLIER/);
    // No accepted test uses the name that does not exist.
    expect(report.tests.some((t) => t.name === 'test_international_parcels_cost_double')).toBe(false);
  });

  it('committed the accepted test files on feature with the TFactory-Run trailer', async () => {
    const { commit, repo, report, runId } = outcome;
    if (!commit || !report) throw new Error('no commit or report');
    expect(existsSync(repo.path)).toBe(true);
    const tip = (await runGit(repo.path, ['rev-parse', 'refs/heads/feature'])).trim();
    expect(tip).toBe(commit.sha);
    const message = await runGit(repo.path, ['log', '-1', '--format=%B', commit.sha]);
    expect(message).toContain(`TFactory-Run: ${runId}`);
    const files = (await runGit(repo.path, ['diff-tree', '--no-commit-id', '--name-only', '-r', commit.sha])).trim().split('\n').sort();
    // Exactly the files whose every test was accepted (the publish rule without commitFlagged).
    const fullyAccepted = [...new Set(report.tests.map((t) => t.file))].filter((f) => report.tests.filter((t) => t.file === f).every((t) => t.verdict === 'accept')).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(files).toEqual(commit.files.slice().sort());
    expect(files).toEqual(fullyAccepted);
    expect(commit.stat).toContain(commit.sha);
    // The commit sits on the change: its parent is the head of the demo PR.
    const parentOfBase = (await runGit(repo.path, ['merge-base', '--is-ancestor', 'main', commit.sha]).then(() => true, () => false));
    expect(parentOfBase).toBe(true);
  });
});
