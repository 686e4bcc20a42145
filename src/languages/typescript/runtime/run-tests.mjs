// One logical "run these tests" on top of a runner: an invocation, then, if the grader had to kill
// it (a hang), verdicts for what finished, 'timeout' for the test that was running, and reruns of
// the rest (individually when the hanging test is unknown) until every requested test has one.
import { moduleErrorRun, timeoutRun, toRun } from './classify.mjs';
import { assess, OUTPUT_LIMIT_BYTES, RESOURCE_PREFIX, SCRATCH_DIR, snapshot, TAMPER_PREFIX } from './guard.mjs';

export const keyOf = (file, name) => `${file}::${name}`;

/**
 * spec: { files, tests?: [{ file, name, names }], mutant?, mutants?, seed?, withHits?, screen?, screenGroups?, last? }
 * (mutants: file → the mutant that file faces, instead of one `mutant` for all; screen: copy → mutant
 * and screenGroups: the copies of each file, for a screening run, mutation-phase.mjs; last: no run
 * is expected to follow on this runner, so a warm one starts no worker ahead for another run).
 * limits: { testTimeoutMs, tree? }. `runner` may be a warm runner (runners/vitest-warm.mjs) with its
 * cold runner in `runner.cold`. Returns { verdicts: Map key → { file, name, names, run },
 * moduleErrors: [{ file, errors }], hits: [...], wallMs, executions, forged, failures } (forged: event lines
 * dropped for want of the reporter's signature; failures: the diagnostics of invocations that ended
 * without reporting their end, runners/common.mjs failureOf).
 */
export async function runResolved(runner, spec, limits) {
  // A spec whose files face a mutant each (`mutants`: file → mutant id), on a runner that sets one
  // mutant per invocation (every runner but the warm vitest with its own pool): one invocation per mutant.
  if (spec.mutants && !runner.perFileMutants) return perMutant(runner, spec, limits);
  const count = spec.tests?.length ?? 0;
  // The event file grows with every test that ends: silence for the per-test limit (plus 2 s for the
  // runner's own bookkeeping) means a test is stuck in a loop the runner's timer cannot interrupt.
  const stallMs = limits.testTimeoutMs + 2000;
  const deadlineMs = 120_000 + limits.testTimeoutMs * Math.max(count, 10 * spec.files.length);
  const before = snapshot(SCRATCH_DIR);
  const out = await runner.run({ ...spec, testTimeoutMs: limits.testTimeoutMs, stallMs, deadlineMs });
  // A warm runner (runners/vitest-warm.mjs) outlives its runs: its own processes are not leftovers.
  for (const pid of runner.keep?.() ?? []) before.pids.add(pid);
  // Whatever follows a kill or a trip runs cold, one fresh process per invocation, and a tripped
  // warm process is replaced: nothing a test did in it (a module it had rewritten) carries over.
  const fallback = runner.cold ?? runner;
  // After a kill (a hang), the rest of a screening run is screened again on the warm runner, whose
  // process the kill replaced: cold, every copy would start a process of its own, as many as the
  // copies of every candidate file not yet run. A trip still goes cold.
  const afterKill = spec.screen && runner.screens ? runner : fallback;
  if (out.warmFailed) {
    // The warm process died or refused mid-run (a test killed it?): nothing it reported is a
    // verdict. What it left is cleared, and the same run is made cold, where the guards see it all.
    assess(before, { killedBy: null });
    limits.tree?.check();
    return runResolved(fallback, spec, limits);
  }
  const problems = assess(before, out);
  const trip = (message) => {
    runner.reset?.();
    return isolate(fallback, spec, limits, out, message);
  };
  if ((out.forged ?? 0) > 0 || out.shrunk) {
    return trip(`${TAMPER_PREFIX}it wrote into the grader's result file (lines the grader's reporter did not sign, or the file cut or replaced)`);
  }
  const changed = limits.tree?.check() ?? [];
  if (changed.length > 0) {
    const listed = `${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''}`;
    return trip(`${TAMPER_PREFIX}it changed the grader's copy of the project (${listed})`);
  }
  if (problems.length > 0) return trip(`${RESOURCE_PREFIX}${problems.join('; ')}`);
  const wanted = spec.tests ? new Set(spec.tests.map((t) => keyOf(t.file, t.name))) : undefined;
  const isWanted = (e) => !wanted || wanted.has(keyOf(e.file, e.name));
  const verdicts = new Map();
  for (const r of out.results) {
    if (!isWanted(r) || (wanted && r.state === 'skipped')) continue;
    verdicts.set(keyOf(r.file, r.name), { file: r.file, name: r.name, names: r.names, run: toRun(r) });
  }
  // What a test printed on process.stdout/stderr, counted in its worker (support/vitest-setup.mjs).
  for (const h of out.hits) {
    const v = verdicts.get(keyOf(h.file, h.name));
    if (v && (h.printed ?? 0) > OUTPUT_LIMIT_BYTES) v.run = toRun({ state: 'failed', outputBytes: h.printed, durationMs: v.run.durationMs });
  }
  const acc = { verdicts, moduleErrors: out.moduleErrors.slice(), hits: out.hits.slice(), wallMs: out.wallMs, forged: out.forged ?? 0, failures: out.failure ? [out.failure] : [] };
  const { moduleErrors } = acc;
  if (out.killedBy) {
    const collected = new Map();
    for (const c of [...out.collected, ...(spec.tests ?? [])]) if (isWanted(c)) collected.set(keyOf(c.file, c.name), c);
    const pending = [...collected.entries()].filter(([k]) => !verdicts.has(k)).map(([, c]) => c);
    const inflight = out.ready.filter((r) => isWanted(r) && !verdicts.has(keyOf(r.file, r.name)));
    const hung = new Set();
    if (pending.length === 1) hung.add(keyOf(pending[0].file, pending[0].name));
    else if (out.killedBy === 'stall') for (const r of inflight) hung.add(keyOf(r.file, r.name));
    for (const c of pending) {
      const k = keyOf(c.file, c.name);
      if (hung.has(k)) verdicts.set(k, { file: c.file, name: c.name, names: c.names, run: timeoutRun(out.wallMs, out.killedBy) });
    }
    const untouched = spec.files.filter((file) => !out.collected.some((c) => c.file === file)
      && !(spec.tests ?? []).some((t) => t.file === file) && !moduleErrors.some((m) => m.file === file));
    if (spec.files.length === 1 && untouched.length === 1) {
      moduleErrors.push({ file: untouched[0], errors: [{ name: 'Error', message: `loading the test file did not finish (killed by the grader: ${out.killedBy})` }] });
    } else if (untouched.length > 0) {
      // Files the killed run never reached: run them again, one by one if none was reached at all.
      const batches = untouched.length === spec.files.length ? untouched.map((f) => [f]) : [untouched];
      for (const files of batches) {
        absorb(acc, await runResolved(afterKill, { ...spec, files, tests: undefined }, limits));
      }
    }
    const rest = pending.filter((c) => !hung.has(keyOf(c.file, c.name)));
    const groups = hung.size > 0 ? [rest] : rest.map((c) => [c]);
    for (const group of groups) {
      if (group.length === 0) continue;
      const files = [...new Set(group.map((c) => c.file))];
      absorb(acc, await runResolved(afterKill, { ...spec, files, tests: group }, limits));
    }
  }
  for (const m of moduleErrors) {
    for (const t of spec.tests ?? []) {
      const k = keyOf(t.file, t.name);
      if (t.file === m.file && !verdicts.has(k)) verdicts.set(k, { file: t.file, name: t.name, names: t.names, run: moduleErrorRun(m.errors) });
    }
  }
  return { ...acc, executions: verdicts.size };
}

/** `spec` with `mutants` (file → mutant id) as one invocation per mutant, its files and their tests. */
async function perMutant(runner, spec, limits) {
  const acc = { verdicts: new Map(), moduleErrors: [], hits: [], wallMs: 0, forged: 0, failures: [] };
  const ids = [...new Set(spec.files.map((f) => spec.mutants[f] ?? ''))];
  for (const [i, id] of ids.entries()) {
    const files = spec.files.filter((f) => (spec.mutants[f] ?? '') === id);
    const tests = spec.tests?.filter((t) => files.includes(t.file));
    absorb(acc, await runResolved(runner, { ...spec, mutants: undefined, mutant: id, files, tests, last: spec.last === true && i === ids.length - 1 }, limits));
  }
  return { ...acc, executions: acc.verdicts.size };
}

/** Adds a sub-run's verdicts, module errors, hits, time and forged-line count to `acc`. */
function absorb(acc, sub) {
  for (const [k, v] of sub.verdicts) acc.verdicts.set(k, v);
  acc.moduleErrors.push(...sub.moduleErrors);
  acc.hits.push(...sub.hits);
  acc.wallMs += sub.wallMs;
  acc.forged += sub.forged ?? 0;
  acc.failures = [...(acc.failures ?? []), ...(sub.failures ?? [])];
}

/**
 * An invocation in which a test exhausted a shared resource (guard.mjs) or changed the grader's copy
 * (copy-guard.mjs): nothing it measured is kept. Its files are run again one by one, then the tests
 * of the file that does it again one by one, until the single test that does it is found: that test
 * gets an error run with `message` (`resource limit: …` / `tampers with the grader: …`), and every
 * other test the verdict of a run without it.
 */
async function isolate(runner, spec, limits, out, message) {
  const acc = { verdicts: new Map(), moduleErrors: [], hits: [], wallMs: out.wallMs, forged: out.forged ?? 0 };
  const done = () => ({ ...acc, executions: acc.verdicts.size });
  if (spec.files.length > 1) {
    for (const file of spec.files) {
      const tests = spec.tests?.filter((t) => t.file === file);
      if (tests && tests.length === 0) continue;
      absorb(acc, await runResolved(runner, { ...spec, files: [file], tests }, limits));
    }
    return done();
  }
  const file = spec.files[0];
  const known = new Map();
  for (const c of spec.tests ?? [...out.collected, ...out.results]) {
    if (c.file === file && c.names) known.set(keyOf(c.file, c.name), { file: c.file, name: c.name, names: c.names });
  }
  if (known.size > 1) {
    for (const t of known.values()) absorb(acc, await runResolved(runner, { ...spec, files: [file], tests: [t] }, limits));
    return done();
  }
  const text = message.slice(0, 1000);
  const [only] = [...known.values()];
  if (only) acc.verdicts.set(keyOf(only.file, only.name), { ...only, run: { outcome: 'error', failureKind: 'error', message: text, durationMs: out.wallMs } });
  else acc.moduleErrors.push({ file, errors: [{ name: 'Error', message: text, verdict: true }] });
  return done();
}
