export { createDockerSandbox, type DockerSandbox, type DockerSandboxOptions } from './docker-sandbox.js';
export { createDockerClient, dockerOptionsFromEnv, pingEngine, ENGINE_HINT, PING_TIMEOUT_MS, type DockerClient } from './client.js';
export { createDockerImageEngine } from './image-engine.js';
export { buildCreateOptions, sandboxLabels, RUNNER_USER } from './container-config.js';
export { prepareCacheKey, depsEnv } from './prepare.js';
export type { RemoveOrphansOptions, RemovedOrphans } from './orphans.js';
export { findCaCertificates, resolveCaBundle, HOST_EXTRA_CA_DIRS } from './ca-bundle.js';
