// Loaded by `node --test` (as --import) in every test file's process: selects the active mutant and
// records which probes of the instrumented sources each test ran, plus start/end markers (node's
// test runner reports a file's tests to its reporter when the file's process ends, so these lines
// identify a test that hung when the engine kills the run). Node loads it in the runner's own
// process too, where it does nothing: only the test files' processes have NODE_TEST_CONTEXT.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach } from 'node:test';

if (process.env.NODE_TEST_CONTEXT) {
  const out = process.env.TF_HITS;
  const file = resolve(process.argv[1] ?? '');
  globalThis.__tfMutant = process.env.TFACTORY_MUTANT || '';
  let hits = new Set();
  globalThis.__tfHit = (f, k) => {
    hits.add(`${f}#${k}`);
  };
  const write = (o) => {
    if (out) appendFileSync(out, `${JSON.stringify(o)}\n`);
  };
  // Node >= 20.16 knows a test's full name (' > ' joined, as the reporter names it).
  const nameOf = (t) => t.fullName ?? t.name;
  beforeEach((t) => {
    hits = new Set();
    write({ ev: 'start', file, name: nameOf(t) });
  });
  afterEach((t) => {
    if (hits.size > 0) write({ ev: 'hits', file, name: nameOf(t), hits: [...hits] });
    write({ ev: 'end', file, name: nameOf(t) });
    hits = new Set();
  });
}
