import { createGitPort } from '../git/index.js';
import { languageOfPath, runnerFor } from '../languages/registry.js';
import { createLlm, type LlmConfig } from '../llm/create-llm.js';
import { createDockerClient, createDockerImageEngine, pingEngine } from '../sandbox/docker/index.js';
import { requireRunnerImage, RUNNER_NAMES, type RunnerName } from '../sandbox/images/index.js';

/** What a local run needs before it starts; each check throws the TfError `doctor` would explain. */
export interface PreflightInput {
  env: NodeJS.ProcessEnv;
  /** The runner images the run will use (see `runnersForChange`). */
  runners: readonly RunnerName[];
  /** The run's model, when it has one: its key or transcript must be there now. */
  llm?: LlmConfig;
  /** Where the runner images' folders are (default: the package's runner-images/). */
  imagesDir?: string;
}

/**
 * The expected failures, said before any run is recorded or any work starts, in the order a
 * newcomer meets them: the Docker engine (ENGINE_UNREACHABLE), the runner images (IMAGE_MISSING),
 * the model's credentials (CONFIG_INVALID). The repository and its refs are checked by the command.
 */
export async function preflight(input: PreflightInput): Promise<void> {
  const docker = createDockerClient(input.env);
  await pingEngine(docker, input.env);
  const engine = createDockerImageEngine(docker, input.env);
  for (const name of input.runners) await requireRunnerImage(name, { engine, ...(input.imagesDir ? { imagesDir: input.imagesDir } : {}) });
  if (input.llm) await createLlm(input.llm, input.env);
}

/**
 * The runner images a change needs: those of the languages its changed files (and the given test
 * files) are in; every runner when none is recognised (the run will say why it has nothing to do).
 */
export async function runnersForChange(repo: string, base: string, head: string, extraPaths: string[] = []): Promise<RunnerName[]> {
  const diff = await createGitPort().diff(repo, base, head);
  const runners = new Set<RunnerName>();
  for (const path of [...diff.files.map((f) => f.path), ...extraPaths]) {
    const language = languageOfPath(path);
    if (language) runners.add(runnerFor(language));
  }
  return runners.size > 0 ? RUNNER_NAMES.filter((r) => runners.has(r)) : [...RUNNER_NAMES];
}
