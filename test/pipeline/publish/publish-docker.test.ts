import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocally } from '../../../src/cli/run-local.js';
import type { CliIo } from '../../../src/cli/io.js';
import { resolveRunSettings } from '../../../src/config/run-settings.js';
import type { CandidateFile, TestPlan } from '../../../src/pipeline/types.js';
import { validateReport } from '../../../src/report/schema.js';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import type { RunRequest } from '../../../src/runs/types.js';
import { requireDocker } from '../../helpers/docker.js';
import { createFixtureRepo, FIXTURES, type FixtureRepo } from '../../fakes/repos.js';

/**
 * Publication per test function, end to end on the py-pricing fixture with the real sandbox: a
 * generated file holds two accepted tests (they share a module constant and a helper), one
 * flagged and one rejected. The accepted two are committed (the file cut down to them and what
 * they need, and run once more in the sandbox), and the report's `publication` lists them.
 * Plan and generate are fixed (no model); evaluate, triage and publish are the real stages.
 */

const PATH = 'tests/test_pricing_tfactory_1.py';
const GENERATED = `import pytest

from shop.pricing import apply_discount

BULK = 100


def _total(amount):
    return apply_discount(amount, "")


def test_bulk_discount_starts_at_100():
    assert _total(BULK) == 90
    assert _total(BULK - 1) == 99
    assert _total(2 * BULK) == 180


# A weak check: flagged.
def test_discount_result_is_not_none():
    result = apply_discount(150, "welcome")
    assert result is not None


def test_bulk_discount_wrong_expectation():
    assert apply_discount(100, "") == 95


def test_negative_total_is_refused():
    with pytest.raises(ValueError):
        apply_discount(-1, "")
    assert _total(0) == 0
`;

const candidate: CandidateFile = { path: PATH, content: GENERATED, language: 'python', framework: 'pytest', origin: 'generated', subtaskId: 'S1', acIds: ['AC#3'] };
const plan: TestPlan = {
  promptVersion: 'fixed',
  subtasks: [{ id: 'S1', acIds: ['AC#3'], lane: 'unit', language: 'python', framework: 'pytest', target: 'shop/pricing.py::apply_discount', intent: 'discounts', rationale: 'fixed' }],
};

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('publishing per test function (real sandbox)', () => {
  let repo: FixtureRepo;
  let scratch: string;
  beforeAll(async () => {
    repo = await createFixtureRepo('py-pricing');
    scratch = await mkdtemp(join(tmpdir(), 'tfactory-publish-'));
  });
  afterAll(async () => {
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('commits every accepted function of a file that also holds flagged and rejected ones, after the cut file passes again', { timeout: 15 * 60_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TFACTORY_DB: join(scratch, 'runs.db'), TFACTORY_WORKSPACE_ROOT: join(scratch, 'ws'), LOG_LEVEL: 'error' };
    delete env.GITHUB_TOKEN;
    const err: string[] = [];
    const io: CliIo = { stdout: () => {}, stderr: (t) => void err.push(t), env, cwd: repo.dir, isTty: false };
    // A model is named (the recorded demo) but never called: plan and generate are fixed, the judge is off.
    const settings = resolveRunSettings({ env: { llm: { provider: 'replay', file: join(FIXTURES, 'demo', 'transcript.json') }, openai: {} } });
    const request: RunRequest = {
      source: { kind: 'local', repoPath: repo.dir, baseRef: repo.base, headRef: repo.head },
      trigger: { kind: 'cli' },
      options: { commit: true },
      settings: { ...settings, evaluation: { ...settings.evaluation, judge: false } },
      idempotencyKey: 'publish-docker',
    };
    const { code, run } = await runLocally(io, request, { format: 'json', progress: 'quiet' }, {
      stages: (d) => ({ ...d, plan: async () => plan, generate: async () => ({ candidates: [candidate], stuck: [] }) }),
    });
    expect(code, err.join('')).toBe(0);
    const report = validateReport(run?.report);
    const verdicts = Object.fromEntries(report.tests.map((t) => [t.name, t.verdict]));
    expect(verdicts).toEqual({
      test_bulk_discount_starts_at_100: 'accept',
      test_discount_result_is_not_none: 'flag',
      test_bulk_discount_wrong_expectation: 'reject',
      test_negative_total_is_refused: 'accept',
    });

    // The commit holds the accepted two, the constant and the helper they use, and nothing else of the file.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).trim();
    expect(head).not.toBe(repo.headSha);
    const committed = execFileSync('git', ['show', `HEAD:${PATH}`], { cwd: repo.dir, encoding: 'utf8' });
    expect(committed).toContain('def test_bulk_discount_starts_at_100():');
    expect(committed).toContain('def test_negative_total_is_refused():');
    expect(committed).toContain('BULK = 100');
    expect(committed).toContain('def _total(amount):');
    expect(committed).not.toContain('test_discount_result_is_not_none');
    expect(committed).not.toContain('# A weak check');
    expect(committed).not.toContain('test_bulk_discount_wrong_expectation');

    // The report says what went where.
    expect(report.publication).toEqual({
      target: { kind: 'commit', commitSha: head, branch: 'feature' },
      files: [{ path: PATH, tests: [`${PATH}::test_bulk_discount_starts_at_100`, `${PATH}::test_negative_total_is_refused`], pruned: true }],
      leftOut: [],
    });
    // The criteria ledger counts what was published.
    expect(report.acs.find((a) => a.id === 'AC#3')?.published).toEqual([`${PATH}::test_bulk_discount_starts_at_100`, `${PATH}::test_negative_total_is_refused`]);
    expect(renderMarkdown(report)).toContain(`### Published — 2 tests in 1 file, committed on feature as ${head.slice(0, 12)}`);
    expect(err.join('')).toContain(`tfactory: published 2 tests in 1 file committed on feature as ${head.slice(0, 12)} (${PATH})`);
  });
});
