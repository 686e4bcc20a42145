import type { RepoConfig } from '../config/repo-config.js';
import type { RunOptions } from '../runs/types.js';

/**
 * Turns the repo config's `model` (a model id) into the run's `llm` option, e.g. `anthropic:<model>`
 * with the server's provider. Undefined keeps the server default (e.g. a replay server ignores it).
 * A repository never picks a provider or a file: the id is only ever the model part.
 */
export type LlmForModel = (model: string) => string | undefined;

/** The server's provider decides how a repo's model id is used; replay servers keep their transcript. */
export function llmForModelWith(provider: 'anthropic' | 'openai' | 'replay'): LlmForModel {
  return (model) => (provider === 'replay' ? undefined : `${provider}:${model}`);
}

/**
 * The run options a repo config asks for, read at trigger time: stability runs, the mutation probe,
 * the test cap, committing flagged tests, and the model.
 */
export function runOptionsFromConfig(config: RepoConfig, llmForModel?: LlmForModel): RunOptions {
  const llm = config.model !== undefined && llmForModel ? llmForModel(config.model) : undefined;
  return {
    evaluation: { stabilityRuns: config.stabilityRuns, mutation: config.mutation },
    maxTests: config.maxTests,
    commitFlagged: config.commitFlagged,
    ...(llm !== undefined ? { llm } : {}),
  };
}
