import { execFile } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraderInput, GraderResult } from '../../../src/languages/types.js';
import { parseGraderResult } from '../../../src/languages/grader-result.js';
import { pythonRuntimeDir } from '../../../src/languages/python/runtime-path.js';
import { lineOf, PYTHON, requireHostPython, runGrader, SOURCE, stageFixture } from './runtime-helpers.js';

const hasPython = requireHostPython();
const run = promisify(execFile);
const ENGINE = join(pythonRuntimeDir(), 'tfactory_grader.py');

// Deterministic tests of the changed discount (the fixture's own discount file has a flaky and two
// hanging tests: a flaky head session in one part and not the other is graded again in one run,
// which the last test shows on purpose).
const BULK = `from shop.pricing import discount


def test_bulk_discount_applies_at_the_threshold():
    assert discount(100, None) == 90


def test_no_bulk_discount_below_it():
    assert discount(99, None) == 99


def test_half_code_wins():
    assert discount(200, "HALF") == 100


def test_returns_something():
    assert discount(150, None) is not None
`;

/** The digest's tests other than ``id``. */
function digestWithout(r: GraderResult, id: string): unknown {
  return (digest(r) as { tests: Array<{ id: string }> }).tests.filter((t) => t.id !== id);
}

/** What a result says about each test and mutant, without timings. */
function digest(r: GraderResult): unknown {
  return {
    tests: r.tests.map((t) => ({
      id: t.id,
      runs: t.runs.map((x) => [x.outcome, x.failureKind ?? null]),
      coveredChanged: t.coveredChanged,
      mutants: t.mutants,
      onBase: t.onBase ? [t.onBase.outcome, t.onBase.failureKind ?? null] : null,
    })),
    mutants: r.mutants,
    suiteCoveredChanged: r.suiteCoveredChanged,
    changedExecutable: r.changedExecutable,
    errors: r.errors,
  };
}

interface RawPart {
  part: [number, number];
  head: { mutants: Array<{ id: string }>; tests: Array<{ id: string; run: { outcome: string; failureKind?: string; message?: string } }> };
  reruns: unknown[];
  base: unknown;
  tampered: Record<string, string>;
}

describe.skipIf(!hasPython)('python grader split in parts (host /usr/bin/python3)', () => {
  const staged = stageFixture();
  let input: GraderInput;
  let whole: GraderResult;
  const parts: RawPart[] = [];
  const partFile = (k: number): string => join(staged.dir, `part-${k}.json`);

  /** Runs the merge of the part files (as written now) and returns its result and what it logged. */
  async function assemble(files: string[]): Promise<{ result: GraderResult; stderr: string }> {
    const inputPath = join(staged.dir, 'input.json');
    const out = join(staged.dir, 'assembled.json');
    writeFileSync(inputPath, JSON.stringify(input));
    const { stderr } = await run(PYTHON, [ENGINE, inputPath, out, '--workspace', staged.head, '--assemble', ...files], { timeout: 280_000 });
    return { result: parseGraderResult(readFileSync(out, 'utf8')), stderr };
  }

  beforeAll(async () => {
    writeFileSync(join(staged.head, 'tests', 'test_cand_bulk.py'), BULK);
    writeFileSync(join(staged.base, 'tests', 'test_cand_bulk.py'), BULK);
    const src = join(staged.head, SOURCE);
    input = {
      projectRoot: '.',
      candidateFiles: ['tests/test_cand_bulk.py', 'tests/test_cand_items.py'],
      suiteFiles: ['tests/test_existing.py'],
      // The whole of both functions: enough mutants that part 1, with two sessions besides head, gets some too.
      changedRanges: { [SOURCE]: [{ start: lineOf(src, 'if code == "HALF":'), end: lineOf(src, 'return price * checked_quantity(qty)') }] },
      stabilityRuns: 3,
      seed: 7,
      perTestTimeoutMs: 5000,
      mutation: true,
      maxMutants: 40,
      baseDir: staged.base,
    };
    ({ result: whole } = await runGrader(staged.dir, staged.head, input));
    const inputPath = join(staged.dir, 'input.json');
    writeFileSync(inputPath, JSON.stringify(input));
    // Side by side, as the evaluation runs them (each in its own container there).
    await Promise.all([0, 1].map((k) => run(PYTHON, [ENGINE, inputPath, partFile(k), '--workspace', staged.head, '--part', `${k}/2`], { timeout: 280_000 })));
    for (const k of [0, 1]) parts.push(JSON.parse(readFileSync(partFile(k), 'utf8')) as RawPart);
  }, 300_000);

  afterAll(() => rmSync(staged.dir, { recursive: true, force: true }));

  it('shares the mutants and the stability reruns between the parts; part 1 runs on base, and runs fewer mutants', () => {
    const ids = whole.mutants.map((m) => m.id);
    expect(ids.length).toBeGreaterThan(4);
    const share0 = parts[0]?.head.mutants.map((m) => m.id) ?? [];
    const share1 = parts[1]?.head.mutants.map((m) => m.id) ?? [];
    // Every mutant in exactly one part, each part's in the grading's order.
    expect([...share0, ...share1].sort()).toEqual([...ids].sort());
    expect(share0).toEqual(ids.filter((id) => share0.includes(id)));
    expect(share1).toEqual(ids.filter((id) => share1.includes(id)));
    // Dealt one by one to the part with the least work so far: each part starts with its sessions
    // besides head, 15 mutants' worth each (part 0: a rerun; part 1: a rerun and the base session).
    const load = [15, 30];
    const dealt0: string[] = [];
    for (const id of ids) {
      const k = (load[0] ?? 0) <= (load[1] ?? 0) ? 0 : 1;
      load[k] = (load[k] ?? 0) + 1;
      if (k === 0) dealt0.push(id);
    }
    expect(share0).toEqual(dealt0);
    expect(share0.length).toBeGreaterThan(share1.length);
    expect(share1.length).toBeGreaterThan(0);
    // Rerun 1 (seed 8) in part 0, rerun 2 (seed 9) in part 1: each session shuffles by its own seed.
    expect(parts[0]?.reruns).toHaveLength(1);
    expect(parts[0]?.base).toBeNull();
    expect(parts[1]?.reruns).toHaveLength(1);
    const order = (r: unknown): string[] => [...(r as { tests: Array<{ id: string; order: number }> }).tests].sort((a, b) => a.order - b.order).map((t) => t.id);
    const wholeOrder = (k: number): string[] => whole.tests.filter((t) => t.runs[k]?.outcome === 'passed').map((t) => t.id);
    expect(order(parts[0]?.reruns[0]).sort()).toEqual(wholeOrder(1).sort());
    expect(order(parts[0]?.reruns[0])).not.toEqual(order(parts[1]?.reruns[0]));
    expect(parts[1]?.base).not.toBeNull();
  });

  it('merges into exactly what one run gives: every run, covered line, kill, survival and base run', async () => {
    const { result, stderr } = await assemble([partFile(0), partFile(1)]);
    expect(stderr).not.toContain('grading again');
    expect(digest(result)).toEqual(digest(whole));
    // The suite is strong on the discount: kills there, a survivor of the weak check, and base fails.
    const bulk = result.tests.find((t) => t.name === 'test_bulk_discount_applies_at_the_threshold');
    expect(bulk?.mutants.killed.length).toBeGreaterThan(0);
    expect(bulk?.onBase?.outcome).toBe('failed');
    expect(result.tests.find((t) => t.name === 'test_returns_something')?.mutants.survived.length).toBeGreaterThan(0);
    // Both heads ran: more executions than one run's.
    expect(result.executions).toBeGreaterThan(whole.executions);
  });

  it('merges in part 0 itself (--merge) what --assemble merges, once part 1\'s findings appear; with part 1 failed, writes its own findings', async () => {
    const inputPath = join(staged.dir, 'input.json');
    writeFileSync(inputPath, JSON.stringify(input));
    const later = join(staged.dir, 'part-1-later.json');
    const merged = join(staged.dir, 'merged.json');
    // Part 0 starts first and waits; part 1's findings appear when it ends (written aside, then renamed, as the host does).
    const zero = run(PYTHON, [ENGINE, inputPath, merged, '--workspace', staged.head, '--part', '0/2', '--merge', later], { timeout: 280_000 });
    await run(PYTHON, [ENGINE, inputPath, `${later}.tmp`, '--workspace', staged.head, '--part', '1/2'], { timeout: 280_000 });
    renameSync(`${later}.tmp`, later);
    expect((await zero).stderr).not.toContain('grading again');
    const { result: assembled } = await assemble([partFile(0), partFile(1)]);
    expect(digest(parseGraderResult(readFileSync(merged, 'utf8')))).toEqual(digest(assembled));
    // Part 1 failed: the host puts <file>.failed, and part 0 writes its raw findings, merged with nothing.
    const failed = join(staged.dir, 'part-1-failed.json');
    writeFileSync(`${failed}.failed`, '');
    await run(PYTHON, [ENGINE, inputPath, merged, '--workspace', staged.head, '--part', '0/2', '--merge', failed], { timeout: 280_000 });
    const own = JSON.parse(readFileSync(merged, 'utf8')) as RawPart;
    expect(own.part).toEqual([0, 2]);
    expect(own.head.mutants.map((m) => m.id)).toEqual(parts[0]?.head.mutants.map((m) => m.id));
  }, 300_000);

  it.each([
    ['a part that caught a file rewiring the grader the other did not', (p: RawPart): unknown => ({ ...p, tampered: { 'tests/test_cand_items.py': 'changed tfactory_rt.forkrun.run_batch' } })],
    ['a part that crashed (it wrote an empty result of its own)', (): unknown => ({ tests: [], mutants: [], errors: ['grader crashed: Traceback …'] })],
    ['a part whose head session failed', (p: RawPart): unknown => ({ ...p, head: { ...p.head, tests: [], fatal: 'head session crashed (exit 1): …' } })],
    ['a part whose head collected other tests', (p: RawPart): unknown => ({ ...p, head: { ...p.head, tests: p.head.tests.slice(1) } })],
    ['a part that ran none of its mutants', (p: RawPart): unknown => ({ ...p, head: { ...p.head, mutants: [] } })],
    ['part 0 having run none of its mutants', (p: RawPart): unknown => ({ ...p, head: { ...p.head, mutants: [] } }), 0],
  ])('grades again in one run when the parts disagree: %s', async (_what, spoil, which = 1) => {
    const file = join(staged.dir, `part-${which}-spoiled.json`);
    writeFileSync(file, JSON.stringify(spoil(structuredClone(parts[which]) as RawPart)));
    const { result, stderr } = await assemble(which === 0 ? [file, partFile(1)] : [partFile(0), file]);
    expect(stderr).toContain('grading again in one run');
    expect(digest(result)).toEqual(digest(whole));
  }, 300_000);

  it('keeps a test that passed on one head and failed on the other as flaky (one more run), and merges the rest', async () => {
    const spoiled = structuredClone(parts[1]) as RawPart;
    const victim = spoiled.head.tests.find((t) => t.id.endsWith('test_bulk_discount_applies_at_the_threshold'));
    if (!victim) throw new Error('no such test in part 1');
    victim.run = { ...victim.run, outcome: 'failed', failureKind: 'assertion', message: 'assert 100 == 90' };
    const file = join(staged.dir, 'part-1-unsteady.json');
    writeFileSync(file, JSON.stringify(spoiled));
    const { result, stderr } = await assemble([partFile(0), file]);
    expect(stderr).not.toContain('grading again');
    const test = result.tests.find((t) => t.id === victim.id);
    expect(test?.runs.map((r) => r.outcome)).toEqual(['passed', 'passed', 'passed', 'failed']);
    expect(test?.runs.at(-1)?.message).toBe('assert 100 == 90');
    // Part 1 ran the base session on what passed on its own head: this test was not run there.
    expect(whole.tests.find((t) => t.id === victim.id)?.onBase?.outcome).toBe('failed');
    expect(test?.onBase).toBeUndefined();
    // Every other test, and every mutant, as one run gives them.
    expect(digestWithout(result, victim.id)).toEqual(digestWithout(whole, victim.id));
    expect(result.mutants).toEqual(whole.mutants);
  });

  it('does not count a rerun as missing where the part that failed a test on its head ran its reruns without it', async () => {
    const spoiled = structuredClone(parts[1]) as RawPart & { reruns: Array<{ tests: Array<{ id: string }> }> };
    const victim = spoiled.head.tests.find((t) => t.id.endsWith('test_no_bulk_discount_below_it'));
    if (!victim) throw new Error('no such test in part 1');
    victim.run = { ...victim.run, outcome: 'failed', failureKind: 'assertion', message: 'assert 90 == 99' };
    const rerun = spoiled.reruns[0];
    if (!rerun) throw new Error('part 1 ran no rerun');
    rerun.tests = rerun.tests.filter((t) => t.id !== victim.id); // as part 1 ran it: only what passed on its own head
    const file = join(staged.dir, 'part-1-unsteady-rerun.json');
    writeFileSync(file, JSON.stringify(spoiled));
    const { result, stderr } = await assemble([partFile(0), file]);
    expect(stderr).not.toContain('grading again');
    const test = result.tests.find((t) => t.id === victim.id);
    expect(test?.runs.map((r) => r.outcome)).toEqual(['passed', 'passed', 'failed']);
    expect(test?.runs.at(-1)?.message).toBe('assert 90 == 99');
    expect(digestWithout(result, victim.id)).toEqual(digestWithout(whole, victim.id));
  });
});
