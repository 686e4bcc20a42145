// The warm vitest of the TS grader (runners/vitest-warm.mjs starts it): one long-lived process per
// evaluate session holding vitest's Node API (`createVitest` from 'vitest/node', vitest >= 4) with
// the grader's generated config, that runs, on request, the exact test files and test names of one
// run (a mutant, the control, a stability rerun). Tests never run here: the pool is vitest's 'forks'
// with isolation, so every test file of every run gets a fresh child process, with this process's
// environment as set for that run (the active mutant, the hits file, the seed). Each child is started
// ahead, while the previous run executes, and takes its run's environment before vitest's worker
// starts (runners/vitest-prefork.mjs): no test code has run in it before.
//
// Every run's events are signed with a key that arrives for that run only, over the IPC channel
// (never in an environment variable or a file a test could read), and stays in this process, which
// test code does not run in; the grader kills what a run leaves behind before sending the next key.
//
// Protocol (process.send / 'message'): in { type: 'run', id, files, tests?, mutant, mutants?, screen?,
// last?, seed?, testTimeoutMs, events, hits, key } (mutants: file → the mutant that file faces; last:
// no run is expected after this one, so no worker is started ahead for another), out
// { type: 'ready', screens, perFileMutants } once (screens: whether a screening run may share workers
// here; perFileMutants: whether a run may give each file its own mutant), { type: 'done', id, keep } after each run (keep: the pids
// this process owns), { type: 'failed', message } when vitest cannot be used.
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPreforkPool, PREFORK_POOL, preforkSupported } from './vitest-prefork.mjs';
import { childrenOf, reapChildren } from './warm-process.mjs';
import { SCREEN_RESET, vitestNamePattern } from './vitest.mjs';

const [vitestNode, configPath, projectDir] = process.argv.slice(2);

let sink = { events: '', key: '' };
const write = (o) => {
  if (!sink.events) return;
  const json = JSON.stringify(o);
  appendFileSync(sink.events, `${json}\t${createHmac('sha256', sink.key).update(json).digest('hex')}\n`);
};

const children = () => childrenOf(process.pid);
/** The pool's workers started ahead (set once vitest is up). */
let prefork;
/** In a screening run, each copy's group (the candidate file it copies): copy path → group index. */
let screenGroupOf = new Map();
/** The mutant each test file of the current run faces: the run's one, or the file's own (`mutants`). */
let runMutant = '';
let fileMutants = new Map();

/** How long closing one project's vitest may hold up opening another's. */
const CLOSE_MS = 5000;

async function main() {
  const standing = new Set(children());
  const api = await import(pathToFileURL(vitestNode).href);
  // The cold run's reporter, over this process's per-run sink: the very same signed events. (Its
  // module reads a key file named by TF_EVENTS when loaded; here there is none to read.)
  delete process.env.TF_EVENTS;
  const { reporterOver } = await import('../support/vitest-reporter.mjs');
  const WarmReporter = reporterOver(write);
  let session = await open(api, WarmReporter, configPath, projectDir, standing);
  if (!session) return;
  let queue = Promise.resolve();
  const failed = (e) => process.send({ type: 'failed', message: String(e?.stack ?? e).slice(0, 2000) });
  process.on('message', (m) => {
    if (m?.type === 'run') {
      queue = queue.then(() => (session ? runOnce(session, m, standing) : failed('no project is open'))).catch(failed);
    } else if (m?.type === 'open' && typeof m.configPath === 'string' && typeof m.projectDir === 'string') {
      // Another copy of the project (the base tree, engine.mjs step 5), once the runs of this one
      // are over: vitest's Node API is loaded already, so only vitest itself starts again. It
      // answers 'ready' or 'failed' as at the start.
      queue = queue.then(async () => {
        const before = session;
        session = undefined;
        prefork?.close();
        prefork = undefined;
        // vitest's close, bounded: what it leaves is the grader's to kill with this process's group.
        await Promise.race([before?.vitest.close(), new Promise((r) => setTimeout(r, CLOSE_MS).unref())]);
        session = await open(api, WarmReporter, m.configPath, m.projectDir, standing);
      }).catch(failed);
    }
  });
  process.on('disconnect', () => {
    prefork?.close();
    process.exit(0);
  });
}

/**
 * Starts vitest (`api`: 'vitest/node') on the project `dir` with the grader's config `config`, and
 * says so ('ready', or 'failed' with why, then undefined). Returns { vitest, project, projectDir }.
 */
async function open(api, WarmReporter, config, dir, standing) {
  const { createVitest, version } = api;
  // vitest's workers start in this process's folder, as they would under a host started there.
  process.chdir(dir);
  const vitest = await createVitest('test', {
    config, root: dir, watch: false, reporters: [new WarmReporter()], passWithNoTests: true,
  });
  // The grader reads a failed test's error name and message, never its stack frames: vitest's main
  // process would otherwise read every file named in every failure's stack (chai's and vitest's own
  // among them) and scan it for a source map, serially with the runs (~1.5 s in a grading of 20
  // files). An error with frames already set is left as it is.
  const testRun = vitest._testRun;
  if (typeof testRun?.syncUpdateStacks === 'function') {
    testRun.syncUpdateStacks = (update) => {
      for (const [, result] of update) for (const e of result?.errors ?? []) if (e && typeof e === 'object' && !e.stacks) e.stacks = [];
    };
  }
  const projects = vitest.projects;
  const unsuitable = projects.find((p) => p.config.pool !== 'forks' || p.config.isolate === false || p.config.browser?.enabled);
  if (projects.length !== 1 || unsuitable) {
    process.send({ type: 'failed', message: `the project's vitest settings are not the grader's warm ones (pool ${unsuitable?.config.pool}, isolate ${unsuitable?.config.isolate}, ${projects.length} projects)` });
    await vitest.close();
    return undefined;
  }
  const [project] = projects;
  // A mutant's covering test files run side by side in two fresh workers (the grader's container
  // has two CPUs), unless the project sets its own number of workers.
  if (!project.config.maxWorkers && !vitest.config.maxWorkers) project.config.maxWorkers = Math.max(1, Math.min(2, availableParallelism()));
  // Each of those workers is started ahead of its run (runners/vitest-prefork.mjs), with the
  // environment of no run: the run's own replaces it.
  if (preforkSupported(version)) {
    const size = Math.max(1, Math.min(2, Number(project.config.maxWorkers) || 1));
    prefork = createPreforkPool({ size, baseEnv: () => withoutRunKeys(process.env), groupOf: (file) => screenGroupOf.get(file), mutantOf: (file) => fileMutants.get(file) ?? runMutant });
    project.config.pool = PREFORK_POOL;
    project.config.poolRunner = prefork.pool;
  }
  for (const p of children()) standing.add(p);
  // A screening run's files go to the workers in the order given (mutation-phase.mjs takes a few
  // candidates at a time, in turns), so that a worker goes from copy to copy of one candidate
  // (vitest would sort them by size).
  const Sequencer = vitest.config.sequence.sequencer;
  if (typeof Sequencer === 'function') {
    vitest.config.sequence.sequencer = class extends Sequencer {
      async sort(specs) {
        return screenGroupOf.size > 0 ? specs : super.sort(specs);
      }
    };
  }
  // Screening (engine.mjs, mutation-phase.mjs) shares a worker between copies of a test file: only
  // in vitest's node environment, where a worker holds no DOM or other environment state of its own,
  // and only with the pool above, which keeps each candidate's copies to workers of their own.
  // A run whose files face a mutant each (`mutants`) needs the pool above, which hands each worker its file's.
  process.send({ type: 'ready', screens: prefork !== undefined && (project.config.environment ?? 'node') === 'node', perFileMutants: prefork !== undefined });
  return { vitest, project, projectDir: dir };
}

/** The per-run variables runOnce sets, left out of a worker started before its run is known. */
const RUN_KEYS = ['TF_HITS', 'TFACTORY_MUTANT', 'TF_MUTANTS', 'TF_TEST_TIMEOUT', 'TF_SEED'];
function withoutRunKeys(env) {
  const out = { ...env };
  for (const k of RUN_KEYS) delete out[k];
  return out;
}

/**
 * Vitest hands the forks pool each transformed module as a file in its temp folder, written once and
 * then reused by path. The grader clears every writable place after each run (writable.mjs): a test
 * could have rewritten one of those files for the next run to load, or left itself a note there. So
 * before each run this process forgets them, and writes them again from the transforms it keeps in
 * memory (a file per module the run imports: cheap).
 */
function forgetTmpCopies(vitest, projects) {
  const servers = new Set([vitest.vite, ...projects.map((p) => p.vite)].filter(Boolean));
  for (const server of servers) {
    for (const env of Object.values(server.environments ?? {})) {
      for (const mod of env.moduleGraph?.idToModuleMap?.values?.() ?? []) {
        if (mod.transformResult) Reflect.deleteProperty(mod.transformResult, '_vitest_tmp');
      }
    }
  }
  for (const p of projects) {
    if (typeof p.tmpDir !== 'string') continue;
    for (const name of Object.keys(p.vite?.environments ?? {})) mkdirSync(join(p.tmpDir, name), { recursive: true });
  }
}

async function runOnce({ vitest, project, projectDir: dir }, m, standing) {
  forgetTmpCopies(vitest, vitest.projects);
  sink = { events: m.events, key: m.key };
  process.env.TF_HITS = m.hits;
  process.env.TFACTORY_MUTANT = m.mutant ?? '';
  runMutant = m.mutant ?? '';
  fileMutants = new Map(Object.entries(m.mutants ?? {}));
  if (m.screen) process.env.TF_MUTANTS = JSON.stringify(m.screen);
  else delete process.env.TF_MUTANTS;
  process.env.TF_TEST_TIMEOUT = String(m.testTimeoutMs);
  process.env.TF_SEED = m.seed === undefined ? '' : String(m.seed);
  for (const config of [vitest.config, project.config]) {
    config.testTimeout = m.testTimeoutMs;
    config.sequence.shuffle = m.seed !== undefined;
    if (m.seed !== undefined) config.sequence.seed = m.seed;
  }
  // A screening run (mutation-phase.mjs): its files are copies of one test file, each with its
  // own mutant (TF_MUTANTS), and they share a worker, one copy after another; the grader's reset
  // file, first among the setup files, starts each copy on freshly evaluated modules.
  const { isolate, setupFiles } = project.config;
  if (m.screen) {
    screenGroupOf = new Map((m.screenGroups ?? [Object.keys(m.screen)]).flatMap((group, i) => group.map((file) => [file, i])));
    project.config.isolate = false;
    project.config.setupFiles = [join(dir, SCREEN_RESET), ...setupFiles];
  }
  const specs = m.files.map((file) => {
    const wanted = m.tests?.filter((t) => t.file === file);
    if (!wanted || wanted.length === 0) return project.createSpecification(file);
    return project.createSpecification(file, { testNamePattern: new RegExp(vitestNamePattern(wanted.map((t) => t.names.join(' ')))) });
  });
  // A screening run's specs by group (the candidate they copy). The pool is told how many each group
  // has: a worker's child waits for the next copy of its group while one is still to come
  // (runners/vitest-prefork.mjs).
  const byGroup = new Map();
  if (m.screen) {
    for (const spec of specs) {
      const g = screenGroupOf.get(spec.moduleId);
      byGroup.set(g, [...(byGroup.get(g) ?? []), spec]);
    }
  }
  const groups = new Map([...byGroup].filter(([g]) => g !== undefined).map(([g, list]) => [g, list.length]));
  prefork?.expect({ files: specs.length, last: m.last === true, groups });
  const before = new Set(children());
  try {
    // With isolation off and one worker (the project's maxWorkers or fileParallelism: false), vitest
    // hands all of a run's files to one worker as one task: a screening run then goes one candidate
    // at a time, so that no candidate's copies share a process with another's.
    const single = Number(project.config.maxWorkers || vitest.config.maxWorkers) === 1;
    if (m.screen && single) {
      for (const group of byGroup.values()) await vitest.runTestSpecifications(group, false);
    } else {
      await vitest.runTestSpecifications(specs, false);
    }
  } finally {
    Object.assign(project.config, { isolate, setupFiles });
    screenGroupOf = new Map();
    fileMutants = new Map();
    runMutant = '';
    sink = { events: '', key: '' };
    // This run's workers: those it was handed (started ahead, so already there before it) and any
    // other child it started; not those started ahead for the next run.
    const waiting = new Set(prefork?.waiting() ?? []);
    const workers = new Set([...(prefork?.handedOut() ?? []), ...children().filter((p) => !before.has(p) && !standing.has(p) && !waiting.has(p))]);
    await reapChildren(workers);
  }
  process.send({ type: 'done', id: m.id, keep: [process.pid, ...children()] });
}

main().catch((e) => {
  process.send?.({ type: 'failed', message: String(e?.stack ?? e).slice(0, 2000) });
});
