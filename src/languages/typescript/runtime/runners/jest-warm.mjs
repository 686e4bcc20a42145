// The warm jest runner (runners/warm-process.mjs): the cold jest runner's interface served by one
// long-lived jest process (jest-warm-host.mjs) instead of a fresh jest per invocation; the tests
// still run in fresh worker processes for every run. Jest 29 and 30 (the grader's) run warm; any
// run the warm process could not finish on its own (it died, or jest refused) goes to the cold runner.
// A run is watched on its hits file, as a cold jest run is: jest reports a file only when it ends,
// while the setup file writes a line as each test starts and ends.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestOutput, namePattern, runEnv } from './jest.mjs';
import { createWarmRunner } from './warm-process.mjs';

const HOST = join(dirname(fileURLToPath(import.meta.url)), 'jest-warm-host.mjs');

/** A warm runner over the cold jest runner `cold` (already prepared), or undefined when warm cannot apply. */
export function createWarmJestRunner({ projectDir, ioDir, cold }) {
  const install = cold?.name === 'jest' ? cold.install : undefined;
  if (!install?.pkgDir || !existsSync(install.configPath) || cold.unsupported?.()) return undefined;
  return createWarmRunner({
    name: 'jest-warm',
    cold,
    host: { path: HOST, args: [install.pkgDir, install.configPath, projectDir], cwd: projectDir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, execArgv: install.execArgv },
    prepare(spec, id) {
      mkdirSync(ioDir, { recursive: true });
      const events = join(ioDir, `jest-warm-${id}.events.jsonl`);
      const hits = join(ioDir, `jest-warm-${id}.hits.jsonl`);
      // The reporter's signing key, as in a cold run: read and deleted by the reporter as jest
      // creates it for this run, before the run's workers start.
      const key = randomBytes(32).toString('hex');
      writeFileSync(`${events}.key`, key, { mode: 0o600 });
      return {
        message: { type: 'run', id, files: spec.files, testNamePattern: namePattern(spec), seed: spec.seed, last: spec.last === true, env: runEnv(spec, events, hits) },
        watchFile: hits,
        resultFile: events,
        settled: () => rmSync(`${events}.key`, { force: true }),
        result: (proc) => {
          const out = jestOutput({ label: cold.label, events, hits, key, proc });
          // A run jest ended without its reporter's end (jest itself failed): the cold run says why.
          return out.finished || proc.killedBy ? out : { warmFailed: 'the warm jest ended a run without reporting its end' };
        },
      };
    },
  });
}
