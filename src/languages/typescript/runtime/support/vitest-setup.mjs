// Loaded by vitest as a setup file (before each test file): selects the active mutant and records,
// per test, which probes of the instrumented sources ran. One JSON line per test is appended to
// $TF_HITS after each test, so hits survive a later kill of the run.
// The grader's two globals are read-only, and after each test the setup checks they are still its
// own: a test that replaced them fails with TfactoryIntegrityError ("tampers with the grader").
import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach, expect } from 'vitest';

const out = process.env.TF_HITS;
// A screening run (mutation-phase.mjs) runs copies of one test file, each against its own
// mutant: TF_MUTANTS maps each copy's path to that mutant. Otherwise one mutant for the whole run.
const byCopy = process.env.TF_MUTANTS ? JSON.parse(process.env.TF_MUTANTS) : undefined;
const mutant = byCopy ? (byCopy[globalThis.__vitest_worker__?.filepath] ?? '') : (process.env.TFACTORY_MUTANT || '');
let hits = new Set();
const hit = (file, k) => {
  hits.add(`${file}#${k}`);
};
// configurable: this file runs again for the next test file in the same worker and redefines them
Object.defineProperty(globalThis, '__tfMutant', { value: mutant, writable: false, enumerable: false, configurable: true });
Object.defineProperty(globalThis, '__tfHit', { value: hit, writable: false, enumerable: false, configurable: true });

class TfactoryIntegrityError extends Error {
  name = 'TfactoryIntegrityError';
}

// What each test prints on process.stdout/stderr (console.* goes through vitest, counted by the
// reporter): past the grader's output limit the rest is dropped and the test fails "output limit".
const OUTPUT_LIMIT = 10 * 1024 * 1024;
// The count lives on the streams, not in this module: in a screening run this file is evaluated
// again for each copy in the same worker, and the streams are wrapped once.
const COUNTER = Symbol.for('tfactory.printed');
const printed = process.stdout[COUNTER] ?? { bytes: 0 };
for (const stream of [process.stdout, process.stderr]) {
  if (stream[COUNTER]) continue;
  const write = stream.write;
  stream[COUNTER] = printed;
  stream.write = function counted(chunk, ...rest) {
    printed.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk?.length ?? 0);
    if (printed.bytes > OUTPUT_LIMIT) return true;
    return write.call(this, chunk, ...rest);
  };
}

beforeEach(() => {
  hits = new Set();
  printed.bytes = 0;
});
// Vitest 1 prefixes the test's name with its file's path ('test/a.test.ts > suite > test'); the
// reporters name it without ('suite > test').
const nameOf = (state) => {
  const name = state.currentTestName ?? '';
  const first = name.split(' > ')[0];
  return first && name !== first && (state.testPath ?? '').endsWith(`/${first}`) ? name.slice(first.length + 3) : name;
};
afterEach(() => {
  const state = expect.getState();
  if (globalThis.__tfHit !== hit || globalThis.__tfMutant !== mutant) {
    hits = new Set();
    throw new TfactoryIntegrityError('it replaced the grader\'s globals (__tfHit / __tfMutant)');
  }
  if (out && (hits.size > 0 || printed.bytes > 0)) {
    appendFileSync(out, `${JSON.stringify({ file: state.testPath, name: nameOf(state), hits: [...hits], printed: printed.bytes })}\n`);
  }
  hits = new Set();
  printed.bytes = 0;
});
