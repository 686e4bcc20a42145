// The first setup file of a screening run (mutation-phase.mjs): copies of one test file run one
// after another in shared workers, each against its own mutant. Before each copy, this does what
// vitest's own isolation does before each file (module mocks and evaluated modules are reset, so the
// copy imports the instrumented sources afresh), and undoes what the previous copy left in the
// process that vitest knows of: fake timers, stubbed globals and environment variables, and any
// other change to process.env.
// Nothing here is a defence against a hostile test: a test can keep anything it likes in the
// process. Kills seen here are confirmed in fresh processes (mutation-phase.mjs).
import { vi } from 'vitest';

const ENV = Symbol.for('tfactory.screen.env');
const first = globalThis[ENV];
// vitest's own per-worker and per-file ids (VITEST_POOL_ID, VITEST_WORKER_ID) are set for each copy and kept.
const OWN = new Set(['VITEST_POOL_ID', 'VITEST_WORKER_ID']);
if (first) {
  for (const k of Object.keys(process.env)) if (!Object.hasOwn(first, k) && !OWN.has(k)) delete process.env[k];
  for (const [k, v] of Object.entries(first)) if (process.env[k] !== v && !OWN.has(k)) process.env[k] = v;
} else {
  Object.defineProperty(globalThis, ENV, { value: { ...process.env }, enumerable: false });
}
vi.useRealTimers();
vi.unstubAllGlobals();
vi.unstubAllEnvs();
globalThis.__vitest_mocker__?.reset?.();
vi.resetModules();
