// Jest 29 and 30 behind the grader's runner interface: CommonJS or native ESM test files, with the
// project's own transform (babel-jest by default, ts-jest through its preset or transform), all
// graded for real from installs of the npm registry (test/runners/runner-matrix.test.ts).
// Built from jest's documented CLI: a reporter (--config reporters), --testNamePattern, --runTestsByPath, --ci,
// --config <json>, --setupFilesAfterEnv via the generated config, --randomize --seed (jest >= 29.2).
// Jest writes results only at the end, so a started-but-unfinished test is found from the hits file
// written by the setup file (one line per started test), and a killed run is resolved by reruns.
// Node runs jest with --experimental-vm-modules (its workers inherit it) when the project's own
// scripts do (jest's way to native ESM): with it, jest loads a file under a `"type": "module"`
// scope as ESM and refuses to require it, which breaks the many projects that let babel-jest turn
// their ESM sources into CommonJS (luxon's src/), so it is never added for them.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runProcess } from '../proc.mjs';
import { failureOf, findPackageDir, packageVersion, readEvents, testNamePattern, unsupportedReason } from './common.mjs';

export const JEST_SUPPORTED = [29, 30];

const CONFIG_NAMES = ['jest.config.js', 'jest.config.mjs', 'jest.config.cjs', 'jest.config.ts', 'jest.config.mts', 'jest.config.cts', 'jest.config.json'];

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function readLines(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/** jest-config (its readInitialOptions, jest >= 29.3), as the installed jest would load it: for configs node cannot import (TypeScript). */
function jestConfigModule(pkgDir) {
  try {
    const fromJest = createRequire(join(pkgDir, 'package.json'));
    return createRequire(fromJest.resolve('jest-cli/package.json')).resolve('jest-config');
  } catch {
    return undefined;
  }
}

function configText(projectDir, own, jsConfig, jsonConfig, tsConfig) {
  const load = tsConfig
    ? `const { createRequire } = await import('node:module'); const { readInitialOptions } = createRequire(import.meta.url)(${JSON.stringify(tsConfig.reader)}); return (await readInitialOptions(${JSON.stringify(join(projectDir, tsConfig.file))}, { packageRootOrConfig: ${JSON.stringify(projectDir)} })).config ?? {};`
    : jsConfig
    ? `const mod = await import(${JSON.stringify(join(projectDir, jsConfig))}); let b = mod.default ?? mod; if (typeof b === 'function') b = await b(); return (await b) ?? {};`
    : `return ${JSON.stringify(jsonConfig ?? {})};`;
  return `async function loadBase() { ${load} }
export default async () => {
  const base = await loadBase();
  return {
    ...base,
    rootDir: ${JSON.stringify(projectDir)},
    setupFilesAfterEnv: [...(base.setupFilesAfterEnv ?? []), ${JSON.stringify(join(own, 'setup.cjs'))}],
    reporters: [${JSON.stringify(join(own, 'reporter.cjs'))}],
    testTimeout: Number(process.env.TF_TEST_TIMEOUT || 5000),
    cacheDirectory: ${JSON.stringify(join(own, 'jest-cache'))},
    collectCoverage: false,
    watch: false,
    bail: 0,
    // Tests run in worker processes, never in jest's own (which writes the results): jest runs a
    // single file "in band" unless a worker memory limit is set (jest >= 29).
    workerIdleMemoryLimit: '1024MB',
    detectOpenHandles: false,
  };
};
`;
}

/** Whether the project's package.json scripts run jest with --experimental-vm-modules (native ESM). */
export function scriptsUseVmModules(projectDir) {
  const scripts = readJson(join(projectDir, 'package.json'))?.scripts;
  return Object.values(scripts && typeof scripts === 'object' ? scripts : {}).some((cmd) => typeof cmd === 'string' && cmd.includes('--experimental-vm-modules'));
}

/** Node's flags for jest: native ESM when the project's scripts ask for it (its workers inherit them). */
export function nodeFlags(nativeEsm) {
  return nativeEsm ? ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'] : [];
}

/** The --testNamePattern of a run that names its tests, else undefined. */
export function namePattern(spec) {
  return spec.tests && spec.tests.length > 0 ? testNamePattern(spec.tests.map((t) => t.names.join(' '))) : undefined;
}

/** A run's own environment, which jest's workers inherit: the reporter's and setup file's files, the time limit, the active mutant. */
export function runEnv(spec, events, hits) {
  return { TF_EVENTS: events, TF_HITS: hits, TF_TEST_TIMEOUT: String(spec.testTimeoutMs), TFACTORY_MUTANT: spec.mutant ?? '' };
}

/**
 * A jest run's normalised output from its signed event file (`key`), its hits file and its process
 * (`proc`: exit, kill and output as proc.mjs reports them). Jest writes results only at the end of
 * each file, so a started-but-unfinished test is found from the hits file.
 */
export function jestOutput({ label, events, hits, key, proc }) {
  const signed = readEvents(events, undefined, key);
  const failure = failureOf(label, proc, signed.finished);
  const bySpaced = new Map();
  for (const r of signed.results) bySpaced.set(`${r.file}::${r.names.join(' ')}`, r.names);
  // The setup file knows only jest's space-joined name; map it back to the title list.
  const named = (s) => {
    const names = bySpaced.get(`${s.file}::${s.name}`) ?? [s.name];
    return { file: s.file, name: names.join(' > '), names };
  };
  const lines = readLines(hits);
  const ended = new Set(lines.filter((s) => s.ev === 'end').map((s) => `${s.file}::${s.name}`));
  const started = lines.filter((s) => s.ev === 'start');
  return {
    collected: [...signed.collected, ...started.map(named)],
    ready: started.filter((s) => !ended.has(`${s.file}::${s.name}`)).map(named),
    ...(failure ? { failure } : {}),
    results: signed.results, moduleErrors: signed.moduleErrors, finished: signed.finished, unhandled: [], forged: signed.forged, shrunk: proc.shrunk,
    hits: lines.filter((s) => s.ev === 'hits').map((s) => ({ ...named(s), hits: s.hits })),
    killedBy: proc.killedBy, wallMs: proc.wallMs, exitCode: proc.exitCode, signal: proc.signal, outputBytes: proc.outputBytes, stderr: (proc.stderr ?? '').slice(-4000),
  };
}

/** A jest runner for one project folder (in a writable copy). */
export function createJestRunner({ projectDir, supportDir, ioDir }) {
  let counter = 0;
  const pkgDir = findPackageDir(projectDir, 'jest');
  const bin = pkgDir ? join(pkgDir, 'bin', 'jest.js') : undefined;
  const own = join(projectDir, '.tfactory');
  const configPath = join(own, 'jest.config.mjs');
  const version = pkgDir ? packageVersion(pkgDir) : '';
  const label = `jest ${version || '(version unknown)'}`;
  const nativeEsm = scriptsUseVmModules(projectDir);

  return {
    name: 'jest',
    version,
    label,
    /** What the warm jest (runners/jest-warm.mjs) starts from: jest's folder, the generated config, node's flags. */
    install: { pkgDir, configPath, execArgv: nodeFlags(nativeEsm) },
    available: () => Boolean(bin && existsSync(bin)),
    /** Why this install cannot be graded, in plain words, or undefined. */
    unsupported: () => unsupportedReason('jest', version, JEST_SUPPORTED, 'install jest 29 or 30 in the project (the grader needs its worker memory limit, which forces worker processes)'),
    prepare() {
      mkdirSync(own, { recursive: true });
      copyFileSync(join(supportDir, 'jest-setup.cjs'), join(own, 'setup.cjs'));
      copyFileSync(join(supportDir, 'jest-reporter.cjs'), join(own, 'reporter.cjs'));
      const jsConfig = CONFIG_NAMES.find((n) => /\.[cm]?js$/.test(n) && existsSync(join(projectDir, n)));
      const tsFile = jsConfig ? undefined : CONFIG_NAMES.find((n) => /\.[cm]?ts$/.test(n) && existsSync(join(projectDir, n)));
      const reader = tsFile && pkgDir ? jestConfigModule(pkgDir) : undefined;
      const json = existsSync(join(projectDir, 'jest.config.json')) ? readJson(join(projectDir, 'jest.config.json')) : readJson(join(projectDir, 'package.json'))?.jest;
      writeFileSync(configPath, configText(projectDir, own, jsConfig, json, tsFile && reader ? { file: tsFile, reader } : undefined));
    },
    async run(spec) {
      counter += 1;
      mkdirSync(ioDir, { recursive: true });
      const events = join(ioDir, `jest-${counter}.events.jsonl`);
      const hits = join(ioDir, `jest-${counter}.hits.jsonl`);
      // The reporter's signing key: read and deleted by the reporter as jest creates it, before any test runs.
      const key = randomBytes(32).toString('hex');
      writeFileSync(`${events}.key`, key, { mode: 0o600 });
      const args = [...nodeFlags(nativeEsm), bin, '--ci', '--config', configPath, '--runTestsByPath', '--no-watchman', '--passWithNoTests', '--useStderr'];
      const pattern = namePattern(spec);
      if (pattern) args.push('--testNamePattern', pattern);
      if (spec.seed !== undefined) args.push('--randomize', `--seed=${spec.seed}`);
      args.push(...spec.files);
      const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...runEnv(spec, events, hits) };
      const proc = await runProcess({ cmd: process.execPath, args, cwd: projectDir, env, deadlineMs: spec.deadlineMs, stallMs: spec.stallMs, watchFile: hits, resultFile: events });
      rmSync(`${events}.key`, { force: true });
      return jestOutput({ label, events, hits, key, proc });
    },
  };
}
