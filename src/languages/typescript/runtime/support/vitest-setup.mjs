// Loaded by vitest as a setup file (before each test file): selects the active mutant and records,
// per test, which probes of the instrumented sources ran. One JSON line per test is appended to
// $TF_HITS after each test, so hits survive a later kill of the run.
import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach, expect } from 'vitest';

const out = process.env.TF_HITS;
globalThis.__tfMutant = process.env.TFACTORY_MUTANT || '';
let hits = new Set();
globalThis.__tfHit = (file, k) => {
  hits.add(`${file}#${k}`);
};
beforeEach(() => {
  hits = new Set();
});
afterEach(() => {
  const state = expect.getState();
  if (out && hits.size > 0) {
    appendFileSync(out, `${JSON.stringify({ file: state.testPath, name: state.currentTestName, hits: [...hits] })}\n`);
  }
  hits = new Set();
});
