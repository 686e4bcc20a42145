import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocally } from '../../../src/cli/run-local.js';
import type { CliIo } from '../../../src/cli/io.js';
import { resolveRunSettings } from '../../../src/config/run-settings.js';
import type { Language, TestFramework } from '../../../src/languages/types.js';
import type { CandidateFile, TestPlan } from '../../../src/pipeline/types.js';
import { validateReport } from '../../../src/report/schema.js';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import type { RunRequest } from '../../../src/runs/types.js';
import { requireDocker } from '../../helpers/docker.js';
import { createFixtureRepo, FIXTURES, type FixtureRepo } from '../../fakes/repos.js';

/**
 * Publication per test function, end to end on the fixture repositories with the real sandbox: a
 * generated file holds two accepted tests (they share a module constant and a helper, or a
 * `beforeEach`), two rejected (a weak check, a wrong expectation). The accepted two are committed (the file cut down
 * to them and what they need, and run once more in the sandbox), and the report's `publication`
 * lists them. Plan and generate are fixed (no model); evaluate, triage and publish are the real stages.
 */

interface Case {
  fixture: string;
  language: Language;
  framework: TestFramework;
  path: string;
  target: string;
  acIds: string[];
  content: string;
  verdicts: Record<string, string>;
  accepted: string[];
  kept: string[];
  gone: string[];
}

const PY: Case = {
  fixture: 'py-pricing', language: 'python', framework: 'pytest', path: 'tests/test_pricing_tfactory_1.py', target: 'shop/pricing.py::apply_discount', acIds: ['AC#3'],
  content: `import pytest

from shop.pricing import apply_discount

BULK = 100


def _total(amount):
    return apply_discount(amount, "")


def test_bulk_discount_starts_at_100():
    assert _total(BULK) == 90
    assert _total(BULK - 1) == 99
    assert _total(2 * BULK) == 180


# A weak check: rejected.
def test_discount_result_is_not_none():
    result = apply_discount(150, "welcome")
    assert result is not None


def test_bulk_discount_wrong_expectation():
    assert apply_discount(100, "") == 95


def test_negative_total_is_refused():
    with pytest.raises(ValueError):
        apply_discount(-1, "")
    assert _total(0) == 0
`,
  verdicts: { test_bulk_discount_starts_at_100: 'accept', test_discount_result_is_not_none: 'reject', test_bulk_discount_wrong_expectation: 'reject', test_negative_total_is_refused: 'accept' },
  accepted: ['test_bulk_discount_starts_at_100', 'test_negative_total_is_refused'],
  kept: ['def test_bulk_discount_starts_at_100():', 'def test_negative_total_is_refused():', 'BULK = 100', 'def _total(amount):'],
  gone: ['test_discount_result_is_not_none', '# A weak check', 'test_bulk_discount_wrong_expectation'],
};

const TS: Case = {
  fixture: 'ts-pricing', language: 'typescript', framework: 'vitest', path: 'test/pricing.tfactory-1.test.ts', target: 'src/pricing.ts::applyDiscount', acIds: ['AC#3'],
  content: `import { beforeEach, describe, expect, it } from 'vitest';
import { applyDiscount } from '../src/pricing';

const BULK = 100;

describe('applyDiscount', () => {
  let total = 0;
  beforeEach(() => {
    total = BULK;
  });

  it('bulk discount starts at 100', () => {
    expect(applyDiscount(total)).toBe(90);
    expect(applyDiscount(total - 1)).toBe(99);
    expect(applyDiscount(2 * total)).toBe(180);
  });

  // A weak check: rejected.
  it('discount result is defined', () => {
    expect(applyDiscount(150, 'welcome')).toBeDefined();
  });

  it('bulk discount with a wrong expectation', () => {
    expect(applyDiscount(total)).toBe(95);
  });

  it('negative total is refused', () => {
    expect(() => applyDiscount(-1)).toThrow(RangeError);
    expect(applyDiscount(0)).toBe(0);
  });
});
`,
  verdicts: {
    'applyDiscount > bulk discount starts at 100': 'accept', 'applyDiscount > discount result is defined': 'reject',
    'applyDiscount > bulk discount with a wrong expectation': 'reject', 'applyDiscount > negative total is refused': 'accept',
  },
  accepted: ['applyDiscount > bulk discount starts at 100', 'applyDiscount > negative total is refused'],
  kept: ["it('bulk discount starts at 100'", "it('negative total is refused'", 'const BULK = 100;', 'beforeEach(() => {'],
  gone: ['discount result is defined', '// A weak check', 'wrong expectation'],
};

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('publishing per test function (real sandbox)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'tfactory-publish-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const c of [PY, TS]) {
    describe(c.fixture, () => {
      let repo: FixtureRepo;
      beforeAll(async () => {
        repo = await createFixtureRepo(c.fixture);
        // A local run reuses the checkout's node_modules (src/wiring/project-packages.ts): lend it TFactory's own (vitest 4).
        if (existsSync(join(repo.dir, 'package.json'))) await symlink(join(REPO_ROOT, 'node_modules'), join(repo.dir, 'node_modules'), 'dir');
      });
      afterAll(async () => {
        await repo.cleanup();
      });

      it('commits every accepted function of a file that also holds rejected ones, after the cut file passes again', { timeout: 15 * 60_000 }, async () => {
        const env: NodeJS.ProcessEnv = { ...process.env, TFACTORY_DB: join(scratch, `${c.fixture}.db`), TFACTORY_WORKSPACE_ROOT: join(scratch, `${c.fixture}-ws`), LOG_LEVEL: 'error' };
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
          idempotencyKey: `publish-docker-${c.fixture}`,
        };
        const candidate: CandidateFile = { path: c.path, content: c.content, language: c.language, framework: c.framework, origin: 'generated', subtaskId: 'S1', acIds: c.acIds };
        const plan: TestPlan = {
          promptVersion: 'fixed',
          subtasks: [{ id: 'S1', acIds: c.acIds, lane: 'unit', language: c.language, framework: c.framework, target: c.target, intent: 'discounts', rationale: 'fixed' }],
        };
        const { code, run } = await runLocally(io, request, { format: 'json', progress: 'quiet' }, {
          stages: (d) => ({ ...d, plan: async () => plan, generate: async () => ({ candidates: [candidate], stuck: [] }) }),
        });
        expect(code, err.join('')).toBe(0);
        const report = validateReport(run?.report);
        expect(Object.fromEntries(report.tests.map((t) => [t.name, t.verdict]))).toEqual(c.verdicts);

        // The commit holds the accepted two and what they need (constant, helper or hook), and nothing else of the file.
        const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).trim();
        expect(head).not.toBe(repo.headSha);
        const committed = execFileSync('git', ['show', `HEAD:${c.path}`], { cwd: repo.dir, encoding: 'utf8' });
        for (const text of c.kept) expect(committed).toContain(text);
        for (const text of c.gone) expect(committed).not.toContain(text);

        // The report says what went where; the ledger counts what was published.
        const ids = c.accepted.map((name) => `${c.path}::${name}`);
        expect(report.publication).toEqual({ target: { kind: 'commit', commitSha: head, branch: 'feature' }, files: [{ path: c.path, tests: ids, pruned: true }], leftOut: [] });
        expect(report.acs.find((a) => a.id === 'AC#3')?.published).toEqual(ids);
        expect(renderMarkdown(report)).toContain(`### Published — 2 tests in 1 file, committed on feature as ${head.slice(0, 12)}`);
        expect(err.join('')).toContain(`tfactory: published 2 tests in 1 file committed on feature as ${head.slice(0, 12)} (${c.path})`);
      });
    });
  }
});
