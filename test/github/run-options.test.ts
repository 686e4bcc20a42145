import { describe, expect, it } from 'vitest';
import { defaultRepoConfig, parseRepoConfig } from '../../src/config/repo-config.js';
import { llmForModelWith, runOptionsFromConfig } from '../../src/github/run-options.js';

describe('run options from the repo config', () => {
  it('maps every run-level setting and leaves the model alone without a mapping', () => {
    const parsed = parseRepoConfig({ stabilityRuns: 2, mutation: false, maxTests: 4, commitFlagged: true, model: 'm-1' });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    expect(runOptionsFromConfig(parsed.config)).toEqual({ evaluation: { stabilityRuns: 2, mutation: false }, maxTests: 4, commitFlagged: true });
    expect(runOptionsFromConfig(parsed.config, llmForModelWith('openai')).llm).toBe('openai:m-1');
  });

  it('keeps the provider the server chose: a repo can name a model, never a provider or a transcript file', () => {
    expect(llmForModelWith('anthropic')('replay:/etc/passwd')).toBe('anthropic:replay:/etc/passwd');
    expect(llmForModelWith('replay')('claude-x')).toBeUndefined();
    expect(runOptionsFromConfig(defaultRepoConfig(), llmForModelWith('anthropic')).llm).toBeUndefined();
  });
});
