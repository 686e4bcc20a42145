// Vitest 1–4 behind the grader's runner interface. A generated config (next to the project's)
// extends the project's own config with our setup file, our streaming reporter (the TestCase API of
// vitest >= 3, the task API of vitest 1–2: both write the same signed lines), the exact files to
// run, the `forks` pool (tests never in the reporter's process), no retries and no coverage;
// everything per invocation comes in through environment variables.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runProcess } from '../proc.mjs';
import { failureOf, findPackageDir, majorOf, packageVersion, readEvents, testNamePattern, unsupportedReason } from './common.mjs';

const CONFIG_NAMES = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.js', 'vitest.config.mjs', 'vitest.config.cts', 'vitest.config.cjs',
  'vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];
// In the grader's own folder, not beside the project's config: vitest 1–3 look for a workspace file
// (vitest.workspace.ts …) in the folder of the config they load, and a project's workspace would run
// its tests with its own configuration (no setup file, any pool, every file).
export const GENERATED = join('.tfactory', 'vitest.config.mjs');
export const VITEST_SUPPORTED = [1, 4];
/** The first setup file of a warm screening run (runners/vitest-warm-host.mjs), in the project copy. */
export const SCREEN_RESET = join('.tfactory', 'screen-reset.mjs');

function escapeGlob(path) {
  return path.replace(/[*?[\]{}()!]/g, '\\$&');
}

function configText(projectConfig, setupPath, reporterPath, cacheDir, major) {
  // The tests run in child processes, never in vitest's own (which holds the reporter's key):
  // threads become forks, vmThreads vmForks (vitest >= 2), and no per-file pool override is kept.
  const vmPool = major >= 2 ? "'vmForks'" : "'forks'";
  const base = projectConfig ? `import * as baseModule from '../${projectConfig}';\n` : 'const baseModule = {};\n';
  return `${base}
export default async (env) => {
  let base = baseModule.default;
  if (typeof base === 'function') base = await base(env);
  base = (await base) ?? {};
  const test = { ...(base.test ?? {}) };
  const setup = Array.isArray(test.setupFiles) ? test.setupFiles : test.setupFiles ? [test.setupFiles] : [];
  test.setupFiles = [...setup, ${JSON.stringify(setupPath)}];
  test.include = JSON.parse(process.env.TF_INCLUDE || '[]');
  test.exclude = ['**/node_modules/**'];
  test.reporters = [${JSON.stringify(reporterPath)}];
  test.watch = false;
  test.retry = 0;
  test.bail = 0;
  test.passWithNoTests = true;
  test.testTimeout = Number(process.env.TF_TEST_TIMEOUT || 5000);
  test.coverage = { ...(test.coverage ?? {}), enabled: false };
  test.sequence = process.env.TF_SEED
    ? { ...(test.sequence ?? {}), shuffle: true, seed: Number(process.env.TF_SEED) }
    : { ...(test.sequence ?? {}), shuffle: false };
  test.pool = test.pool === 'vmThreads' || test.pool === 'vmForks' ? ${vmPool} : 'forks';
  delete test.poolMatchGlobs;
  delete test.projects;
  delete test.workspace;
  // vite 5–7 look "localhost" up in DNS unless the server's host is an address, and the sandbox
  // has no resolver: vitest 2 and 3 failed to start there ("getaddrinfo EAI_AGAIN localhost").
  const server = { ...(base.server ?? {}), host: '127.0.0.1' };
  return { ...base, server, cacheDir: ${JSON.stringify(cacheDir)}, test };
};
`;
}

/**
 * The --testNamePattern for full names (describe titles and the test's, space-joined). What vitest
 * matches it against varies: vitest 1 puts the file's path and an unnamed root suite in front of the
 * name, and vitest 2 does so in some projects (unjs/ufo under pnpm: every mutant run selected nothing,
 * so every mutant "survived"). Anchored at the end only, with a space before the name: a test of the
 * same name behind another prefix runs too; its result is not wanted and is ignored (run-tests.mjs
 * isWanted), so extra selection costs time, never a verdict.
 */
export function vitestNamePattern(fullNames) {
  return `^(?:.* )?${testNamePattern(fullNames).slice(1)}`;
}

/** A runner for one project folder (in a writable copy). `ioDir` receives event and hit files. */
export function createVitestRunner({ projectDir, supportDir, ioDir }) {
  let counter = 0;
  const pkgDir = findPackageDir(projectDir, 'vitest');
  const binRel = pkgDir ? JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).bin : undefined;
  const bin = pkgDir ? join(pkgDir, typeof binRel === 'string' ? binRel : binRel?.vitest ?? 'vitest.mjs') : undefined;
  const version = pkgDir ? packageVersion(pkgDir) : '';
  const major = majorOf(version);
  const label = `vitest ${version || '(version unknown)'}`;

  return {
    name: 'vitest',
    version,
    available: () => Boolean(bin && existsSync(bin)),
    /** Why this install cannot be graded, in plain words, or undefined. */
    unsupported: () => unsupportedReason('vitest', version, VITEST_SUPPORTED, 'install vitest 1, 2, 3 or 4 in the project (its reporter API is the one the grader reads)'),
    prepare() {
      const own = join(projectDir, '.tfactory');
      mkdirSync(own, { recursive: true });
      copyFileSync(join(supportDir, 'vitest-setup.mjs'), join(own, 'setup.mjs'));
      copyFileSync(join(supportDir, major >= 3 ? 'vitest-reporter.mjs' : 'vitest-reporter-legacy.mjs'), join(own, 'reporter.mjs'));
      copyFileSync(join(supportDir, 'vitest-screen-reset.mjs'), join(projectDir, SCREEN_RESET));
      const projectConfig = CONFIG_NAMES.find((n) => existsSync(join(projectDir, n)));
      writeFileSync(join(projectDir, GENERATED), configText(projectConfig, join(own, 'setup.mjs'), join(own, 'reporter.mjs'), join(own, 'vite-cache'), major));
    },
    /**
     * spec: { files: abs paths, tests?: [{ names }], mutant?, screen?: { [copy]: mutant id }, seed?, testTimeoutMs,
     * deadlineMs, stallMs }.
     * Returns the normalised events of the invocation (see common.mjs readEvents).
     */
    async run(spec) {
      counter += 1;
      mkdirSync(ioDir, { recursive: true });
      const events = join(ioDir, `vitest-${counter}.events.jsonl`);
      const hits = join(ioDir, `vitest-${counter}.hits.jsonl`);
      // The reporter's signing key: read and deleted by the reporter as vitest loads it, before any test runs.
      const key = randomBytes(32).toString('hex');
      writeFileSync(`${events}.key`, key, { mode: 0o600 });
      const args = [bin, 'run', '--config', join(projectDir, GENERATED), '--root', projectDir];
      if (spec.tests && spec.tests.length > 0) {
        args.push('--testNamePattern', vitestNamePattern(spec.tests.map((t) => t.names.join(' '))));
      }
      const env = {
        ...process.env,
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        TF_EVENTS: events,
        TF_HITS: hits,
        TF_INCLUDE: JSON.stringify(spec.files.map((f) => escapeGlob(relative(projectDir, f)))),
        TF_TEST_TIMEOUT: String(spec.testTimeoutMs),
        TF_SEED: spec.seed === undefined ? '' : String(spec.seed),
        TFACTORY_MUTANT: spec.mutant ?? '',
        // A screening spec (mutation-phase.mjs) names each copy's mutant; here, cold, each copy
        // runs in a fresh worker of its own, as any test file does.
        ...(spec.screen ? { TF_MUTANTS: JSON.stringify(spec.screen) } : {}),
      };
      const proc = await runProcess({
        cmd: process.execPath, args, cwd: projectDir, env, deadlineMs: spec.deadlineMs, stallMs: spec.stallMs, watchFile: events, resultFile: events,
      });
      rmSync(`${events}.key`, { force: true });
      const read = readEvents(events, hits, key);
      const failure = failureOf(label, proc, read.finished);
      return { ...read, ...(failure ? { failure } : {}), shrunk: proc.shrunk, killedBy: proc.killedBy, wallMs: proc.wallMs, exitCode: proc.exitCode, signal: proc.signal, outputBytes: proc.outputBytes, stderr: proc.stderr.slice(-4000) };
    },
  };
}
