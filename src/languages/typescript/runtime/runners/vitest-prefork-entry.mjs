// A vitest 'forks' worker started ahead of its run (runners/vitest-prefork.mjs): it loads vitest's
// worker (argv[2]) while the previous run's tests execute, then waits. When the pool hands it a run,
// the first message is that run's environment (the active mutant, the hits file, the seed): it
// becomes this process's environment, and only then does the worker answer that it is ready and
// receive vitest's own 'start'; its file's mutant comes just before vitest's request to run it. No
// test code has run in this process before its one run.
import { pathToFileURL } from 'node:url';

const entry = pathToFileURL(process.argv[2]).href;
let applied;
const envArrived = new Promise((resolve) => {
  applied = resolve;
});
const onEnv = (m) => {
  if (!m || typeof m !== 'object' || typeof m.__tfEnv !== 'object' || m.__tfEnv === null) return;
  process.off('message', onEnv);
  const env = m.__tfEnv;
  for (const k of Object.keys(process.env)) if (!Object.hasOwn(env, k)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') process.env[k] = v;
  applied();
};
// Registered before vitest's worker loads: the environment may arrive while it is still loading
// (vitest's own listener ignores a message without its request flag).
process.on('message', onEnv);
// The mutant of this worker's test file, which the pool sends every worker once, just before
// vitest's request to run that file: the run's own (none, or the one every file of the run faces),
// or this file's in a run where each file faces its own (mutation-phase.mjs confirmations). Either
// way it is the process's TFACTORY_MUTANT before any test code runs, and this listener is gone.
const onMutant = (m) => {
  if (!m || typeof m !== 'object' || typeof m.__tfMutant !== 'string') return;
  process.off('message', onMutant);
  process.env.TFACTORY_MUTANT = m.__tfMutant;
};
process.on('message', onMutant);
// In a screening run a worker can take over this process from an earlier worker of the same
// candidate (runners/vitest-prefork.mjs): its pool id is then the one vitest's start gave that worker.
process.on('message', (m) => {
  if (m && typeof m === 'object' && typeof m.__tfPoolId === 'string' && /^\d+$/.test(m.__tfPoolId)) process.env.VITEST_POOL_ID = m.__tfPoolId;
});
await import(entry);
await envArrived;
process.send({ __tfReady: true });
