import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../src/config/repo-config.js';
import { DEFAULT_SETTINGS_ENV, resolveRunSettings } from '../../src/config/run-settings.js';
import { silentLogger } from '../../src/logger.js';
import type { LocalGitPort } from '../../src/git/index.js';
import type { DockerSandbox } from '../../src/sandbox/index.js';
import { createStages } from '../../src/wiring/create-stages.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';
import { loadPricingIngest, makeStageContext } from '../llm/pricing-fixture.js';

/** `n` distinct, valid subtasks for the pricing fixture's changed code. */
function subtasks(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    target: i % 2 === 0 ? 'shop/pricing.py::apply_discount' : 'shop/pricing.py::bulk_price',
    acIds: [i % 2 === 0 ? 'AC#1' : 'AC#3'],
    lane: 'unit',
    intent: `case ${i + 1}: the price for input ${i + 1} is the one the spec gives`,
    rationale: 'fails if the rule is broken',
  }));
}

describe('maxTests: the repo config value reaches the planner unclamped', () => {
  const stages = createStages({ git: {} as LocalGitPort, sandbox: {} as DockerSandbox, log: silentLogger() });

  it('a published maxTests: 100 asks for and keeps up to 100 subtasks (not 30)', async () => {
    const config = parseRepoConfig({ maxTests: 100 });
    if (!config.ok) throw new Error(config.errors.join('; '));
    const settings = resolveRunSettings({ repoConfig: config.config, env: DEFAULT_SETTINGS_ENV });
    const llm = createScriptedLlm([{ subtasks: subtasks(45) }]);

    const plan = await stages.plan(makeStageContext(llm, settings), loadPricingIngest());

    expect(llm.requests[0]?.prompt).toContain('Plan at most 100 subtasks');
    expect(plan.subtasks).toHaveLength(45);
    expect(plan.subtasks.at(-1)?.id).toBe('S45');
  });

  it('keeps at most maxTests subtasks when the model proposes more', async () => {
    const config = parseRepoConfig({ maxTests: 7 });
    if (!config.ok) throw new Error(config.errors.join('; '));
    const llm = createScriptedLlm([{ subtasks: subtasks(12) }]);

    const plan = await stages.plan(makeStageContext(llm, resolveRunSettings({ repoConfig: config.config, env: DEFAULT_SETTINGS_ENV })), loadPricingIngest());

    expect(llm.requests[0]?.prompt).toContain('Plan at most 7 subtasks');
    expect(plan.subtasks).toHaveLength(7);
  });
});
