// A jest worker process started ahead of its run (runners/jest-warm-host.mjs): it loads jest's
// worker code (the modules in argv[3..], best effort) while the previous run's tests execute, then
// waits. When jest starts a worker, the warm host hands it this process and sends it that worker's
// environment first (the active mutant, the hits file, the time limit, JEST_WORKER_ID): it becomes
// this process's environment, and only then is jest-worker's own child code (argv[2]) loaded, which
// answers jest's messages from there on. No test code has run in this process before its run.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require */
const [processChild, ...preload] = process.argv.slice(2);

const onEnv = (m) => {
  if (!m || typeof m !== 'object' || Array.isArray(m) || typeof m.__tfEnv !== 'object' || m.__tfEnv === null) return;
  process.off('message', onEnv);
  const env = m.__tfEnv;
  for (const k of Object.keys(process.env)) if (!Object.hasOwn(env, k)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') process.env[k] = v;
  // jest-worker's child registers its own listener here: jest's first message, sent after this one, reaches it.
  require(processChild);
};
// Registered before anything else: the environment may arrive while the modules below still load.
process.on('message', onEnv);
for (const m of preload) {
  try {
    require(m);
  } catch {
    // not one this project's jest uses
  }
}
