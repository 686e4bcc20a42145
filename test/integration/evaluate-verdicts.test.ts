import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Report, Verdict } from '../../src/report/types.js';
import type { SpecSelection } from '../../src/criteria/types.js';
import { requireDocker } from '../helpers/docker.js';
import { createFixtureRepo, FIXTURE_REPOS, listCandidates, type FixtureRepo } from '../fakes/repos.js';

/**
 * The fixture repositories prove the verdict rules end to end: `tfactory evaluate` grades every
 * candidate of fixtures/repos/<name>/candidates/ in the real sandbox with the real runner images,
 * and each test's verdict must be the one fixtures/repos/<name>/expected.json gives (with its why).
 */

type Expected = Record<string, Record<string, Verdict>>;

interface Mismatch {
  id: string;
  expected: string;
  got: string;
  reasons: string;
}

async function readExpected(name: string): Promise<{ verdicts: Expected; why: Record<string, Record<string, string>> }> {
  const raw = JSON.parse(await readFile(join(FIXTURE_REPOS, name, 'expected.json'), 'utf8')) as Record<string, unknown>;
  const verdicts: Expected = {};
  const why: Record<string, Record<string, string>> = {};
  for (const [file, entry] of Object.entries(raw)) {
    if (file.startsWith('_')) continue;
    const { why: reasons, ...tests } = entry as Record<string, unknown>;
    verdicts[file] = tests as Record<string, Verdict>;
    why[file] = (reasons ?? {}) as Record<string, string>;
  }
  return { verdicts, why };
}

function captureIo(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd, isTty: false };
}

/** Every expected test against the report; tests the report has that expected.json lacks count too. */
function compareVerdicts(report: Report, expected: Expected): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const seen = new Set<string>();
  for (const t of report.tests) {
    const file = basename(t.file);
    const want = expected[file]?.[t.name];
    seen.add(`${file}::${t.name}`);
    const reasons = t.reasons.map((r) => `${r.severity}:${r.code}${r.severity === 'error' ? ` (${r.text.slice(0, 240)})` : ''}`).join(', ');
    if (want === undefined) mismatches.push({ id: t.id, expected: '(not in expected.json)', got: t.verdict, reasons });
    else if (want !== t.verdict) mismatches.push({ id: t.id, expected: want, got: t.verdict, reasons });
  }
  for (const [file, tests] of Object.entries(expected)) {
    for (const [name, want] of Object.entries(tests)) {
      if (!seen.has(`${file}::${name}`)) mismatches.push({ id: `${file}::${name}`, expected: want, got: '(missing from report)', reasons: '' });
    }
  }
  return mismatches;
}

function table(rows: Mismatch[]): string {
  const head: Mismatch = { id: 'id', expected: 'expected', got: 'got', reasons: 'reasons' };
  const all = [head, ...rows];
  const w = (k: keyof Mismatch): number => Math.max(...all.map((r) => r[k].length));
  return all.map((r) => `${r.id.padEnd(w('id'))}  ${r.expected.padEnd(w('expected'))}  ${r.got.padEnd(w('got'))}  ${r.reasons}`).join('\n');
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');

describe('fixture repositories', () => {
  for (const [name, specId, acs] of [['py-pricing', '001-checkout-discounts', 3], ['ts-pricing', '002-checkout-discounts', 3], ['demo-shop', '003-shipping-rates', 4]] as const) {
    it(`${name}: main holds base/, feature adds one commit with head/, and its spec has ${acs} ACs`, async () => {
      const repo = await createFixtureRepo(name);
      try {
        const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim();
        expect(git('rev-list', '--count', `${repo.base}..${repo.head}`)).toBe('1');
        expect(git('rev-parse', repo.base)).toBe(repo.baseSha);
        expect(git('log', '-1', '--format=%an <%ae> %aI', repo.head)).toBe('TFactory Fixtures <fixtures@tfactory.invalid> 2024-01-02T12:00:00+00:00');
        const headFiles = git('ls-tree', '-r', '--name-only', repo.head).split('\n');
        expect(headFiles.some((f) => f.startsWith(`.aifactory/specs/${specId}/`))).toBe(true);
        expect(git('ls-tree', '-r', '--name-only', repo.base)).not.toContain('.aifactory');
        const io = captureIo(repo.dir, process.env);
        const code = await main(['spec', 'show', '--repo', repo.dir, '--ref', repo.head, '--base', repo.base, '--json'], io);
        expect(code, io.err.join('')).toBe(0);
        const sel = JSON.parse(io.out.join('')) as SpecSelection;
        expect(sel.spec.id).toBe(specId);
        expect(sel.spec.acs.map((a) => a.id)).toEqual(Array.from({ length: acs }, (_, i) => `AC#${i + 1}`));
      } finally {
        await repo.cleanup();
      }
    });
  }

  it('builds the same commits every time (fixed identity and dates)', async () => {
    const [a, b] = [await createFixtureRepo('demo-shop'), await createFixtureRepo('demo-shop')];
    try {
      expect(a.headSha).toBe(b.headSha);
      expect(a.baseSha).toBe(b.baseSha);
    } finally {
      await Promise.all([a.cleanup(), b.cleanup()]);
    }
  });
});

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('tfactory evaluate on the fixture repositories', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'tfactory-evaluate-verdicts-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const name of ['py-pricing', 'ts-pricing', 'py-kills', 'ts-kills'].filter((n) => existsSync(join(FIXTURE_REPOS, n)))) {
    describe(name, () => {
      let repo: FixtureRepo;
      beforeAll(async () => {
        repo = await createFixtureRepo(name);
        // A local run reuses the checkout's node_modules (src/wiring/project-packages.ts): lend it TFactory's own (vitest 4).
        if (existsSync(join(repo.dir, 'package.json'))) await symlink(join(REPO_ROOT, 'node_modules'), join(repo.dir, 'node_modules'), 'dir');
      });
      afterAll(async () => {
        await repo.cleanup();
      });

      it('gives every candidate test the verdict expected.json states', { timeout: 30 * 60_000 }, async () => {
        const { verdicts, why } = await readExpected(name);
        const candidates = listCandidates(name);
        expect(candidates.map((c) => basename(c)).sort()).toEqual(Object.keys(verdicts).sort());
        const out = join(scratch, `${name}.report.json`);
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          TFACTORY_DB: join(scratch, `${name}.runs.db`),
          TFACTORY_WORKSPACE_ROOT: join(scratch, `${name}-workspaces`),
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        };
        delete env.GITHUB_TOKEN;
        const io = captureIo(repo.dir, env);
        const code = await main(
          ['evaluate', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, ...candidates.flatMap((c) => ['--tests', c]), '--no-llm', '--format', 'json', '--out', out],
          io,
        );
        expect(code, io.err.join('')).toBe(0);
        const report = JSON.parse(await readFile(out, 'utf8')) as Report;
        const mismatches = compareVerdicts(report, verdicts);
        if (mismatches.length > 0) {
          const explained = mismatches.map((m) => {
            const [file = '', test = ''] = m.id.split('::');
            return { ...m, reasons: `${m.reasons}${why[basename(file)]?.[test] ? `  | expected because: ${why[basename(file)]?.[test]}` : ''}` };
          });
          console.log(`\n${name}: ${mismatches.length} verdict mismatch(es)\n${table(explained)}\nreport notes:\n${report.notes.map((n) => `  - ${n}`).join('\n')}\n`);
        }
        expect(mismatches).toEqual([]);
        // A TS file its static checks reject whole runs on head only (its verdict is decided): no
        // reruns, mutants or base run; the report says so. Python's grader runs everything.
        const noAssertion = report.tests.find((t) => t.file.endsWith('no-assertion.test.ts'));
        if (noAssertion) {
          expect(noAssertion.reasons.map((r) => r.code)).toEqual(['no-assertion', 'graded-no-further']);
          expect(noAssertion.signals).toMatchObject({ passes: { ok: true }, stability: null, mutation: null, failToPass: 'not-run' });
        }
      });
    });
  }
});
