// Loaded by jest through setupFilesAfterEnv: selects the active mutant and records which probes of
// the instrumented sources each test ran, plus start/end markers (jest reports only at the end, so
// these lines are what identifies a test that hung when the engine kills the run).
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, expect, beforeEach, afterEach */
const { appendFileSync } = require('node:fs');

const out = process.env.TF_HITS;
globalThis.__tfMutant = process.env.TFACTORY_MUTANT || '';
let hits = new Set();
globalThis.__tfHit = (file, k) => {
  hits.add(`${file}#${k}`);
};
const write = (o) => {
  if (out) appendFileSync(out, `${JSON.stringify(o)}\n`);
};
const current = () => {
  const state = expect.getState();
  return { file: state.testPath, name: state.currentTestName };
};
beforeEach(() => {
  hits = new Set();
  write({ ev: 'start', ...current() });
});
afterEach(() => {
  const c = current();
  if (hits.size > 0) write({ ev: 'hits', ...c, hits: [...hits] });
  write({ ev: 'end', ...c });
  hits = new Set();
});
