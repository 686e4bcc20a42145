// The evaluation itself, phase by phase: head run with per-test hits, suite coverage, stability
// reruns, mutant runs and the base run. Everything returned matches GraderResult exactly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { discoverTestNames } from './discover.mjs';
import { instrumentChangedFiles } from './instrument-files.mjs';
import { isKill, killKind, moduleErrorRun } from './classify.mjs';
import { watchTree } from './copy-guard.mjs';
import { RESOURCE_PREFIX, TAMPER_PREFIX } from './guard.mjs';
import { named, runMutants } from './mutation-phase.mjs';
import { keyOf, runResolved as runResolvedRaw } from './run-tests.mjs';
import { explainNoRunner, selectRunner } from './runners/select.mjs';
import { fillJestCache } from './runners/jest-cache.mjs';
import { createWarmJestRunner } from './runners/jest-warm.mjs';
import { createWarmVitestRunner } from './runners/vitest-warm.mjs';
import { copyTree, linkDependencies } from './workspace.mjs';

function prepareCopy(src, dst, input, depsDir) {
  copyTree(src, dst);
  linkDependencies({ srcRoot: src, dstRoot: dst, projectRoot: input.projectRoot, depsDir });
}

function linesFromHits(hitList, probeLines) {
  const out = {};
  for (const h of hitList) {
    const file = h.slice(0, h.lastIndexOf('#'));
    for (const l of probeLines.get(h) ?? []) (out[file] ??= new Set()).add(l);
  }
  return Object.fromEntries(Object.entries(out).map(([f, s]) => [f, [...s].sort((a, b) => a - b)]));
}

/**
 * Evaluate `input` (a GraderInput). paths: { workspace, deps, work, base, io, support }. `loadTs`:
 * the typescript module, or a function that loads it (called once the warm runner is starting, so
 * that the two load side by side).
 */
export async function evaluate(loadTs, input, paths) {
  const started = Date.now();
  const errors = [];
  let forged = 0;
  const runResolved = async (...args) => {
    const r = await runResolvedRaw(...args);
    forged += r.forged ?? 0;
    return r;
  };
  prepareCopy(paths.workspace, paths.work, input, paths.deps);
  const projectDir = join(paths.work, input.projectRoot);
  const runner = selectRunner({ projectDir, supportDir: paths.support, ioDir: join(paths.io, 'head') });
  const unsupported = runner?.unsupported?.();
  // Every run on head (the head run, the suite's, the stability reruns, the control and the mutants)
  // goes to one warm vitest or jest (runners/vitest-warm.mjs, runners/jest-warm.mjs) when the
  // project's runner allows it, else to the cold runner; the base tree is another project (step 5).
  // The warm runner starts here (it transforms no source before a run asks for one), while the
  // grader loads typescript and instruments the changed files.
  let warm;
  if (runner && !unsupported) {
    runner.prepare();
    const warmSpec = { projectDir, ioDir: join(paths.io, 'warm'), cold: runner };
    warm = createWarmVitestRunner(warmSpec) ?? createWarmJestRunner(warmSpec);
    warm?.start();
  }
  let ts;
  let inst;
  try {
    ts = typeof loadTs === 'function' ? loadTs() : loadTs;
    inst = instrumentChangedFiles(ts, input, paths.work);
  } catch (e) {
    warm?.close();
    throw e;
  }
  errors.push(...inst.errors);
  const phasesMs = { instrument: Date.now() - started };
  // The hallucination guard of the files asked for, here, before any test runs, with the typescript
  // just loaded (while the warm runner is still starting): the static checks need no container of
  // their own for it. It reads the read-only checkout only.
  const guard = await guardOf(ts, input, paths);
  if (guard) phasesMs.guard = Date.now() - started - phasesMs.instrument;
  const empty = { tests: [], mutants: [], suiteCoveredChanged: {}, changedExecutable: inst.changedExecutable, executions: 0, necessaryMs: 0, errors };
  const withGuard = (result) => (guard ? { ...result, guard } : result);
  if (!runner || unsupported) {
    errors.push(runner ? unsupported : explainNoRunner(projectDir, input.projectRoot || '.'));
    return withGuard(empty);
  }
  try {
    return withGuard(await evaluateWith(ts, input, paths, { headRunner: warm ?? runner, inst, errors, runResolved, forged: () => forged, phasesMs }));
  } finally {
    warm?.close();
  }
}

/** How long the guard may take in the grader before it gives up (its own container gives it 120 s). */
const GUARD_BUDGET_MS = 20_000;

/**
 * GraderResult.guard: the guard script's batch answer for input.guardFiles, run as its own container
 * runs it (the checkout's root as the project root, no prepared dependencies; each file by its path
 * in the checkout), or why there is none. Undefined when no file is asked for.
 */
async function guardOf(ts, input, paths) {
  const files = input.guardFiles ?? [];
  if (files.length === 0) return undefined;
  if (!paths.guard) return { error: 'the guard script was not given to the grader' };
  try {
    const { createImportChecker } = await import(pathToFileURL(join(paths.guard, 'check_imports.mjs')).href);
    // Its own container gives it 120 s; here a project whose types hold the checker up costs at most
    // GUARD_BUDGET_MS of the grading, and then the guard runs in its container as before.
    const check = createImportChecker(ts, paths.workspace, [], { deadline: Date.now() + GUARD_BUDGET_MS });
    return { files: files.map((f) => {
      const path = join(paths.workspace, f);
      return { path, result: check(path, readFileSync(path, 'utf8')) };
    }) };
  } catch (e) {
    if (e instanceof ts.OperationCanceledException) return { error: `the guard took over ${GUARD_BUDGET_MS / 1000} s in the grader` };
    return { error: `the guard failed in the grader: ${String(e?.message ?? e).slice(0, 500)}` };
  }
}

async function evaluateWith(ts, input, paths, { headRunner, inst, errors, runResolved, forged, phasesMs }) {
  let executions = 0;
  // Wall time by phase (GraderResult.phasesMs): each mark closes the phase that ran since the last.
  let since = Date.now();
  const mark = (phase) => {
    const now = Date.now();
    phasesMs[phase] = (phasesMs[phase] ?? 0) + (now - since);
    since = now;
  };
  const empty = { tests: [], mutants: [], suiteCoveredChanged: {}, changedExecutable: inst.changedExecutable, executions: 0, necessaryMs: 0, errors };
  const tree = watchTree(paths.work);
  if (tree.tooBig) errors.push('the project copy is over 128 MB of files: the grader does not watch it for tests that rewrite it');
  const limits = { testTimeoutMs: input.perTestTimeoutMs, tree };
  // Against mutants (and the control), a run's time limit follows the slowest of its tests on head
  // (5× + 1 s, at least 2 s), never above the configured limit: a mutant that makes a 10 ms test
  // loop costs seconds, not the full limit. Stability reruns keep the full limit (a slow machine
  // must not make a test look flaky).
  const fitted = (group) => {
    const slowest = Math.max(0, ...group.map((t) => t.runs[0].durationMs ?? 0));
    return { ...limits, testTimeoutMs: Math.min(input.perTestTimeoutMs, Math.max(2000, slowest * 5 + 1000)) };
  };
  const abs = (f) => join(paths.work, f);
  const candidates = input.candidateFiles.filter((f) => {
    if (existsSync(abs(f))) return true;
    errors.push(`candidate file not found: ${f}`);
    return false;
  });
  if (candidates.length === 0) return empty;

  // 0. Jest: its transform cache filled from the modules the candidates import, by a run of no
  // candidate's code (runners/jest-cache.mjs); what it changed in the copy is put back.
  const cacheNote = await fillJestCache({ runner: headRunner, projectDir: join(paths.work, input.projectRoot), candidates: candidates.map(abs), limits });
  if (cacheNote) errors.push(cacheNote);
  tree.check();
  mark('prepare');

  // 1. Head run of every candidate file, with hits: on the warm vitest too when there is one (a vitest
  // start saved), each file in its own fresh worker as in every run; a kill or a trip there sends the
  // rest of the run to the cold runner (run-tests.mjs), as for the reruns and mutants.
  const head = await runResolved(headRunner, { files: candidates.map(abs) }, limits);
  executions += head.executions;
  // A runner that crashed or refused its configuration: its exit code and last output say why.
  errors.push(...(head.failures ?? []));
  const tests = [];
  for (const file of candidates) {
    const found = [...head.verdicts.values()].filter((v) => v.file === abs(file));
    const failure = head.moduleErrors.find((m) => m.file === abs(file));
    if (failure) errors.push(`collection of ${file} failed: ${failure.errors[0]?.message ?? 'unknown error'}`);
    if (found.length === 0 && failure) {
      for (const names of discoverTestNames(ts, file, readFileSync(abs(file), 'utf8'))) {
        found.push({ file: abs(file), name: names.join(' > '), names, run: moduleErrorRun(failure.errors) });
      }
    }
    for (const v of found) tests.push({ key: keyOf(v.file, v.name), file, abs: v.file, name: v.name, names: v.names, runs: [v.run], hits: [] });
  }
  const byKey = new Map(tests.map((t) => [t.key, t]));
  for (const h of head.hits) byKey.get(keyOf(h.file, h.name))?.hits.push(...h.hits);
  mark('head');

  // 2. The existing suite's coverage of the changed lines.
  let suiteCoveredChanged = {};
  const suite = input.suiteFiles.filter((f) => existsSync(abs(f)) && !input.candidateFiles.includes(f));
  if (suite.length > 0) {
    const s = await runResolved(headRunner, { files: suite.map(abs) }, limits);
    executions += s.executions;
    suiteCoveredChanged = linesFromHits(s.hits.flatMap((h) => h.hits), inst.probeLines);
  }
  mark('suite');

  // 3. Stability reruns, shuffled with a seed derived from input.seed. A test that exhausted a
  // resource or tampered on head keeps that run (its verdict is decided) and is not run again, here or on base.
  // Only a test that passed on head is run again: one that failed, timed out or could not load has
  // its verdict already, and paying its timeout again in every rerun is what made evaluate slow.
  const exhausted = (t) => t.runs[0].outcome === 'error' && [RESOURCE_PREFIX, TAMPER_PREFIX].some((p) => (t.runs[0].message ?? '').startsWith(p));
  // A file the static checks already reject whole (input.settledFiles) ran on head for its outcome
  // and coverage; its verdict is decided, so it runs no more: no rerun, control, mutant or base run.
  const settledFiles = new Set(input.settledFiles ?? []);
  for (const t of tests) if (settledFiles.has(t.file) && t.runs[0].outcome === 'passed') t.settled = true;
  const live = (t) => t.runs[0].outcome === 'passed' && !t.settled;
  const loaded = tests.filter(live);
  const decided = tests.filter((t) => t.runs[0].outcome !== 'passed');
  /** Stability rerun `i` (seed input.seed + i) of the tests in `group`; the decided ones keep their head run. */
  const rerun = async (i, group) => {
    for (const t of decided) t.runs.push(t.runs[0]);
    if (group.length === 0) return;
    const r = await runResolved(headRunner, { files: [...new Set(group.map((t) => t.abs))], tests: group.map(named), seed: input.seed + i }, limits);
    executions += r.executions;
    for (const t of group) t.runs.push(r.verdicts.get(t.key)?.run ?? { outcome: 'skipped', message: 'not reported in this rerun', durationMs: 0 });
  };
  // The control run (step 4) runs every test about to face a mutant once more on head's behaviour, in
  // a fresh process: with a seeded rerun before it, it stands as such a test's last stability run
  // (stabilityRuns counts runs on head's code, and the control was one more). A test that the control
  // did not see pass (it timed out under the control's shorter limit, or was not reported) and every
  // test that faces no mutant get the last seeded rerun after the control, with the full limit.
  const reruns = Math.max(0, input.stabilityRuns - 1);
  const controlStands = Boolean(inst.shamId) && reruns >= 2;
  for (let i = 1; i <= reruns - (controlStands ? 1 : 0); i += 1) await rerun(i, loaded);
  mark('reruns');

  // 4. Mutants: only the covering tests that passed on head (mutation-phase.mjs: one invocation per
  // mutant, or screened on the warm vitest, a copy of a test file per mutant, with kills confirmed fresh).
  const mutants = inst.mutants.map((m) => ({
    id: m.id, file: m.file, line: m.line, operator: m.operator, description: m.description,
    coveredBy: tests.filter((t) => t.hits.includes(m.probe)).map((t) => `${t.file}::${t.name}`),
  }));
  const verdictsByMutant = new Map();
  // The control run (instrument-files.mjs shamMutant): every test about to face a mutant, with a
  // mutant switched on that changes nothing. A test that passed on head and fails now reacts to the
  // grader's switch; it is rejected as tampering and faces no real mutant.
  const facing = tests.filter((t) => live(t) && inst.mutants.some((m) => t.hits.includes(m.probe)));
  if (inst.shamId && facing.length > 0) {
    const c = await runResolved(headRunner, { files: [...new Set(facing.map((t) => t.abs))], tests: facing.map(named), mutant: inst.shamId }, fitted(facing));
    executions += c.executions;
    for (const t of facing) {
      const run = c.verdicts.get(t.key)?.run;
      if (controlStands && run?.outcome === 'passed') {
        t.runs.push(run);
        t.controlled = true;
      }
      if (!isKill(run) || run.outcome === 'timeout') continue;
      const why = run.message?.startsWith(TAMPER_PREFIX) || run.message?.startsWith(RESOURCE_PREFIX) ? run.message
        : `${TAMPER_PREFIX}it fails when the grader switches on a mutant that changes nothing (${(run.message ?? run.outcome).split('\n')[0].slice(0, 200)}): it watches the grader, not the code`;
      t.runs = t.runs.map(() => ({ outcome: 'error', failureKind: 'error', message: why.slice(0, 1000), durationMs: run.durationMs }));
    }
  }
  mark('control');
  if (controlStands) {
    // The last stability rerun, for the tests the control did not stand for: a test it caught
    // reacting to the switch keeps its tamper run (now its head run) as every other run.
    for (const t of loaded) if (!t.controlled && t.runs[0].outcome !== 'passed') t.runs.push(t.runs[0]);
    await rerun(reruns, loaded.filter((t) => !t.controlled && t.runs[0].outcome === 'passed'));
    mark('reruns');
  }
  const plan = inst.mutants.map((m) => ({ mutant: m, covering: tests.filter((t) => t.hits.includes(m.probe) && live(t)) })).filter((p) => p.covering.length > 0);
  // TFACTORY_SCREEN_MUTANTS=0 (where the engine runs): every mutant the fresh way, to compare.
  const screens = Boolean(headRunner.screens) && process.env.TFACTORY_SCREEN_MUTANTS !== '0';
  const mutated = await runMutants(plan, { runner: headRunner, screens, runResolved, fitted, tree, work: paths.work, seed: input.seed, errors, mark, shamId: inst.shamId });
  executions += mutated.executions;
  for (const [id, v] of mutated.verdictsByMutant) verdictsByMutant.set(id, v);
  const silentMutants = mutated.silent;
  // A mutant run that reported none of its tests proves nothing: its mutant counts as survived for them
  // (never a kill), and the report says the runner did not run them, rather than nothing at all.
  if (silentMutants.length > 0) errors.push(`the runner reported none of the covering tests in ${silentMutants.length} mutant run(s) (${silentMutants.slice(0, 5).join(', ')}): those mutants count as survived, unproven; the test name filter may not have matched`);
  mark('fresh');
  // The mutation phase: the control run and every mutant run, screened, confirmed or fresh.
  const mutationMs = ['control', 'screen', 'confirm', 'fresh'].reduce((sum, phase) => sum + (phasesMs[phase] ?? 0), 0);

  // 5. Fail-to-pass: the candidate files against the base tree (same layout, no instrumentation).
  const onBase = new Map();
  if (input.baseDir) {
    try {
      prepareCopy(input.baseDir, paths.base, input, paths.deps);
      for (const f of candidates) copyTree(join(paths.workspace, f), join(paths.base, f));
      const baseRunner = selectRunner({ projectDir: join(paths.base, input.projectRoot), supportDir: paths.support, ioDir: join(paths.io, 'base') });
      if (!baseRunner) throw new Error('no test runner found in the base tree');
      baseRunner.prepare();
      const baseLimits = { ...limits, tree: watchTree(paths.base) };
      // On base too, only what passed on head (a tamper or resource verdict is kept as its base run).
      const onBaseTests = tests.filter(live);
      for (const t of tests) if (exhausted(t)) onBase.set(t.key, t.runs[0]);
      const baseFiles = candidates.filter((f) => onBaseTests.some((t) => t.file === f));
      const baseTests = onBaseTests.map((t) => ({ file: join(paths.base, t.file), name: t.name, names: t.names }));
      // The base tree gets a warm vitest of its own when it allows one (another project), so that its
      // workers start ahead as on head; any other runner runs base cold. Head's runs are over: when
      // base loads the same vitest, head's warm process opens the base project instead of a new
      // process loading vitest again (runners/vitest-warm.mjs `from`).
      const baseWarm = baseFiles.length === 0 ? undefined
        : createWarmVitestRunner({ projectDir: join(paths.base, input.projectRoot), ioDir: join(paths.io, 'base-warm'), cold: baseRunner, from: headRunner });
      let b;
      try {
        b = baseFiles.length === 0 ? { verdicts: new Map(), executions: 0 }
          : await runResolved(baseWarm ?? baseRunner, { files: baseFiles.map((f) => join(paths.base, f)), tests: baseTests, last: true }, baseLimits);
      } finally {
        baseWarm?.close();
      }
      executions += b.executions;
      errors.push(...(b.failures ?? []).map((f) => `on base: ${f}`));
      for (const t of onBaseTests) {
        const v = b.verdicts.get(keyOf(join(paths.base, t.file), t.name));
        onBase.set(t.key, v?.run ?? { outcome: 'error', failureKind: 'collection', message: 'the test was not found on base', durationMs: 0 });
      }
    } catch (e) {
      errors.push(`base run failed: ${e?.message ?? e}`);
    }
  }

  mark('base');
  if (forged() > 0) errors.push(`${forged()} line(s) of the runner's event files were not signed by the grader's reporter and were ignored (a test wrote to them, or a run was cut mid-line)`);
  return {
    tests: tests.map((t) => assembleTest(t, inst, verdictsByMutant, onBase)),
    mutants,
    suiteCoveredChanged,
    changedExecutable: inst.changedExecutable,
    executions,
    necessaryMs: head.wallMs,
    mutationMs,
    phasesMs,
    errors,
  };
}

function assembleTest(t, inst, verdictsByMutant, onBase) {
  const killed = [];
  const survived = [];
  const notReached = [];
  const passedOnHead = t.runs[0].outcome === 'passed' && !t.settled;
  for (const m of inst.mutants) {
    if (!passedOnHead || !t.hits.includes(m.probe)) {
      notReached.push(m.id);
      continue;
    }
    const run = verdictsByMutant.get(m.id)?.get(t.key)?.run;
    if (isKill(run)) killed.push({ mutant: m.id, by: killKind(run) });
    else survived.push(m.id);
  }
  const base = onBase.get(t.key);
  return {
    id: `${t.file}::${t.name}`,
    file: t.file,
    name: t.name,
    runs: t.runs,
    coveredChanged: linesFromHits(t.hits, inst.probeLines),
    mutants: { killed, survived, notReached },
    ...(base ? { onBase: base } : {}),
    ...(t.settled ? { settled: true } : {}),
  };
}
