// The mutant runs of an evaluation (engine.mjs step 4): for every mutant, its covering tests (those
// that passed on head and reach its probe) run with it switched on; a test that fails then kills it.
//
// Two ways:
//   fresh:     one invocation per mutant, each test file in a fresh worker process (every runner).
//   screening: (a runner that `screens`: the warm vitest) one invocation that runs, for each test
//              file, a copy of it for each of its mutants (and a first copy with the control mutant),
//              a file's copies one after another in workers shared by that file's copies only, each
//              copy on freshly evaluated modules with its own mutant (TF_MUTANTS). A worker start
//              costs ~250 ms of CPU and a copy ~30 ms, so this is most of the saving.
//
// A test shares its worker with its own earlier copies in screening, so it could remember what it
// saw under another mutant (or under none) and fail on purpose: kills seen in screening are not
// taken on trust. For each test with a screened kill, one kill (a kill by a value check when it has
// one) runs again in a fresh process, as the fresh way runs it: a plain mutant run, like the control
// run, so a test cannot tell the two apart and fail only in confirmations. The mutants for that are
// picked file by file, as few per file as confirm its tests (a fresh run starts a worker per file),
// ties at random from the seed, and run in rounds: round k runs every file with its k-th pick, each
// in a fresh worker that faces its own mutant. If any test's confirmation does not kill alike, every test of that
// file is graded again the fresh way. So a test's verdict (kills some mutant, kills one by a value
// check) always rests on a fresh run; its kill count rests on screening.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isKill, killKind } from './classify.mjs';
import { keyOf } from './run-tests.mjs';

/**
 * Files never screened: one that compares with stored snapshots (a copy has none), and one that
 * picks its own test environment (a DOM in a shared worker would carry from copy to copy).
 */
const UNSCREENED = /\b(?:toMatchSnapshot|toMatchInlineSnapshot|toMatchFileSnapshot|toThrowErrorMatchingSnapshot|toThrowErrorMatchingInlineSnapshot)\b|@(?:vitest|jest)-environment\b/;

/** A test as a run spec names it (its file in the project copy, its name and name parts). */
export const named = (t) => ({ file: t.abs, name: t.name, names: t.names });

/** A deterministic random source in [0, 1) from a number (mulberry32). */
export function seeded(seed) {
  let a = (Number(seed) >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paths for `n` copies of the test file `file`, beside it: `name.tfm<i>.test.ts` for `name.test.ts`. */
export function copyPaths(file, n) {
  const dir = dirname(file);
  const base = basename(file);
  const dot = base.indexOf('.', 1);
  const [stem, rest] = dot === -1 ? [base, ''] : [base.slice(0, dot), base.slice(dot)];
  const paths = (tag) => Array.from({ length: n }, (_, i) => join(dir, `${stem}.${tag}${i}${rest}`));
  let tag = 'tfm';
  while (paths(tag).some((p) => existsSync(p))) tag += 'x';
  return paths(tag);
}

/**
 * The order a screening run queues the copies in: a few candidates at a time (`window`), in turns,
 * the next candidate taking the place of one whose copies are done; each candidate's copies in
 * their own order (its control copy first). vitest's pool hands a worker on only to the next file in
 * its queue, so copies of one candidate back to back would have both cores take that candidate at
 * once, and each candidate two workers; in turns, the warm pool keeps one candidate's worker for
 * its next copy a few files later (runners/vitest-prefork.mjs). `lists`: each candidate's copies.
 */
export function screenOrder(lists, window = SCREEN_WINDOW) {
  const waiting = lists.map((l) => [...l]).filter((l) => l.length > 0);
  const turn = waiting.splice(0, Math.max(1, window));
  const out = [];
  while (turn.length > 0) {
    for (let i = 0; i < turn.length; i++) {
      out.push(turn[i].shift());
      if (turn[i].length === 0) {
        const next = waiting.shift();
        if (next) turn[i] = next;
        else turn.splice(i--, 1);
      }
    }
  }
  return out;
}
/** Candidates taken in turns in a screening run: twice the grader's cores, so a candidate comes back after its last copy is done. */
const SCREEN_WINDOW = 4;

/**
 * For each test with a screened kill, the mutant whose kill a fresh run confirms: one of its kills
 * by a value check when it has any, else one of its kills. A fresh run starts a worker for each test
 * file in it, so the picks are made file by file: first the mutant that confirms the most of the
 * file's tests still waiting, ties at random. `kills`: Map test key (`file::name`) → [{ id, kind }].
 * Returns Map file → Map mutant id → [test key], each file's mutants in the order picked.
 */
export function pickConfirmations(kills, random) {
  const byFile = new Map();
  for (const [key, all] of kills) {
    const byValue = all.filter((k) => k.kind === 'assertion');
    const pool = (byValue.length > 0 ? byValue : all).map((k) => k.id);
    if (pool.length === 0) continue;
    const file = key.slice(0, Math.max(0, key.indexOf('::')));
    if (!byFile.has(file)) byFile.set(file, new Map());
    byFile.get(file).set(key, new Set(pool));
  }
  const picked = new Map();
  for (const file of [...byFile.keys()].sort()) {
    const pools = byFile.get(file);
    const mine = new Map();
    picked.set(file, mine);
    while (pools.size > 0) {
      const count = new Map();
      for (const pool of pools.values()) for (const id of pool) count.set(id, (count.get(id) ?? 0) + 1);
      const most = Math.max(...count.values());
      const ties = [...count.keys()].filter((id) => count.get(id) === most).sort();
      const id = ties[Math.floor(random() * ties.length)];
      const keys = [...pools.keys()].filter((k) => pools.get(k).has(id));
      mine.set(id, keys);
      for (const k of keys) pools.delete(k);
    }
  }
  return picked;
}

/**
 * plan: [{ mutant: { id }, covering: [test] }] (the engine's tests: { key, file, abs, name, names,
 * runs }). ctx: { runner, screens (the runner screens, and screening is wanted), runResolved,
 * fitted(group) → limits, tree, work, seed, errors, shamId (the control mutant, which changes nothing) }.
 * Returns { verdictsByMutant: Map mutant id → Map test key → { file, name, names, run }, executions,
 * silent: [mutant id] (fresh runs that reported none of their tests) }.
 */
export async function runMutants(plan, ctx) {
  const verdictsByMutant = new Map(plan.map((p) => [p.mutant.id, new Map()]));
  const silent = [];
  let executions = 0;
  // The mutant runs are the last on the head tree's runner: its last run here says so (`last`), and
  // a warm runner then starts no worker ahead for a run that will not come.
  /** A plain mutant run of `group` (tests), each test file in a fresh worker. */
  const runFresh = async (id, group, last) => {
    const r = await ctx.runResolved(ctx.runner, { files: [...new Set(group.map((t) => t.abs))], tests: group.map(named), mutant: id, last }, ctx.fitted(group));
    executions += r.executions;
    return r;
  };

  /** One fresh invocation per mutant, for the tests `wanted(test)` selects among its covering ones. */
  const fresh = async (wanted) => {
    const final = plan.findLastIndex((p) => p.covering.some(wanted));
    for (const [i, p] of plan.entries()) {
      const group = p.covering.filter(wanted);
      if (group.length === 0) continue;
      const r = await runFresh(p.mutant.id, group, i === final);
      const into = verdictsByMutant.get(p.mutant.id);
      for (const t of group) {
        const v = r.verdicts.get(t.key);
        if (v) into.set(t.key, v);
        else into.delete(t.key);
      }
      if (group.every((t) => !r.verdicts.has(t.key))) silent.push(p.mutant.id);
    }
  };

  const files = [...new Set(plan.flatMap((p) => p.covering.map((t) => t.abs)))];
  const texts = new Map(ctx.screens ? files.map((f) => [f, readFileSync(f)]) : []);
  const screenable = files.filter((f) => texts.has(f) && !UNSCREENED.test(texts.get(f).toString('utf8')));
  const again = new Set(files.filter((f) => !screenable.includes(f)));
  // One invocation screens every screenable file: each file's copies are a group that shares
  // workers only within itself (the warm host's pool hands a worker on to a copy of the same file
  // only, runners/vitest-prefork.mjs), so one candidate never runs in a process another ran in.
  const screenedRuns = new Map();
  const groups = [];
  for (const file of screenable) {
    const entries = plan.map((p) => ({ id: p.mutant.id, tests: p.covering.filter((t) => t.abs === file) })).filter((e) => e.tests.length > 0);
    if (entries.length < 2) {
      again.add(file);
      continue;
    }
    // A copy has another name than its file, and a project can treat a test file by its name (a
    // plugin that transforms only `*async.test*`, a test that reads a fixture named after itself):
    // the first copy runs with the control mutant, which changes nothing, and a test that then does
    // not pass as it did on head shows the copies are not the file; the file is graded the fresh way.
    const control = { id: ctx.shamId ?? '', tests: [...new Map(entries.flatMap((e) => e.tests).map((t) => [t.key, t])).values()], control: true };
    groups.push({ file, control, entries: [control, ...entries], copies: copyPaths(file, entries.length + 1) });
  }
  if (groups.length > 0) {
    const copies = screenOrder(groups.map((g) => g.copies));
    for (const g of groups) for (const c of g.copies) writeFileSync(c, texts.get(g.file));
    const rels = copies.map((c) => relative(ctx.work, c));
    ctx.tree.adopt(rels);
    const screen = Object.fromEntries(groups.flatMap((g) => g.copies.map((c, i) => [c, g.entries[i].id])));
    const tests = groups.flatMap((g) => g.entries.flatMap((e, i) => e.tests.map((t) => ({ ...named(t), file: g.copies[i] }))));
    // Every test the run faces: each file's control copy runs them all, once.
    const facing = groups.flatMap((g) => g.control.tests);
    let r;
    try {
      r = await ctx.runResolved(ctx.runner, { files: copies, tests, screen, screenGroups: groups.map((g) => g.copies) }, ctx.fitted(facing));
    } finally {
      ctx.tree.drop(rels);
    }
    executions += r.executions;
    const unlike = [];
    for (const g of groups) {
      g.entries.forEach((e, i) => {
        for (const t of e.tests) {
          const v = r.verdicts.get(keyOf(g.copies[i], t.name));
          if (!v) again.add(g.file);
          else if (!e.control) screenedRuns.set(`${e.id}\n${t.key}`, { test: t, id: e.id, verdict: { ...named(t), run: v.run } });
          else if (v.run.outcome !== 'passed' && !again.has(g.file)) {
            again.add(g.file);
            unlike.push(relative(ctx.work, g.file));
          }
        }
      });
    }
    if (unlike.length > 0) {
      ctx.errors.push(`a copy of ${unlike.join(', ')} under the grader's name for it did not pass as the file did on head, with no mutant (the project may treat test files by their names): ${unlike.length === 1 ? 'it was' : 'they were'} graded one fresh process per mutant`);
    }
  }

  ctx.mark?.('screen');
  // Confirmation: one screened kill per test, again in a fresh process.
  const kills = new Map();
  for (const { test, id, verdict } of screenedRuns.values()) {
    if (again.has(test.abs) || !isKill(verdict.run)) continue;
    kills.set(test.key, [...(kills.get(test.key) ?? []), { id, kind: killKind(verdict.run) }]);
  }
  const picked = pickConfirmations(kills, seeded(ctx.seed));
  const byKey = new Map(plan.flatMap((p) => p.covering).map((t) => [t.key, t]));
  // The picks in rounds: round k runs each file with its k-th picked mutant, every file in a fresh
  // worker of its own that faces its own mutant (a runner that cannot do that runs the round as one
  // invocation per mutant, run-tests.mjs). To a test, its run is a plain mutant run all the same.
  const rounds = [];
  for (const mine of picked.values()) {
    [...mine].forEach(([id, keys], k) => {
      const group = keys.map((key) => byKey.get(key));
      (rounds[k] ??= []).push({ file: group[0].abs, id, group });
    });
  }
  const unheld = new Set();
  for (const [k, round] of rounds.entries()) {
    const group = round.flatMap((e) => e.group);
    // The last round is the last run unless files are already waiting to be graded the fresh way.
    const last = k === rounds.length - 1 && again.size === 0;
    const r = await ctx.runResolved(ctx.runner, { files: round.map((e) => e.file), tests: group.map(named), mutants: Object.fromEntries(round.map((e) => [e.file, e.id])), last }, ctx.fitted(group));
    executions += r.executions;
    for (const { id, group: mine } of round) {
      for (const t of mine) {
        const screened = screenedRuns.get(`${id}\n${t.key}`);
        const v = r.verdicts.get(t.key);
        const held = v && isKill(v.run) && (killKind(screened.verdict.run) !== 'assertion' || killKind(v.run) === 'assertion');
        if (held) screened.verdict = v;
        else unheld.add(t.abs);
      }
    }
  }
  ctx.mark?.('confirm');
  for (const f of unheld) again.add(f);
  if (unheld.size > 0) {
    const names = [...unheld].map((f) => relative(ctx.work, f));
    ctx.errors.push(`a kill seen while screening mutants did not happen again in a fresh process for ${names.join(', ')}: those files were graded again, one fresh process per mutant`);
  }
  for (const { test, id, verdict } of screenedRuns.values()) {
    if (!again.has(test.abs)) verdictsByMutant.get(id).set(test.key, verdict);
  }
  await fresh((t) => again.has(t.abs));
  return { verdictsByMutant, executions, silent };
}
