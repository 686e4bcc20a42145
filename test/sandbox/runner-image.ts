import { createDockerClient } from '../../src/sandbox/docker/client.js';
import { createDockerImageEngine } from '../../src/sandbox/docker/image-engine.js';
import { buildRunnerImages } from '../../src/sandbox/images/build-images.js';
import { runnerImageRef } from '../../src/sandbox/images/runner-image-ref.js';

/** The python runner image, built through our own images code when missing (cached by tag). */
export async function ensurePythonImage(): Promise<string> {
  return ensureRunnerImage('python');
}

/** A runner image, built through our own images code when missing (cached by tag). */
export async function ensureRunnerImage(name: 'python' | 'node'): Promise<string> {
  const engine = createDockerImageEngine(createDockerClient(process.env));
  const ref = await runnerImageRef(name, { engine });
  if (await engine.imageExists(ref)) return ref;
  const built = await buildRunnerImages({ engine, names: [name], onLine: (l) => console.log(l) });
  return built.images[0]?.ref ?? ref;
}
