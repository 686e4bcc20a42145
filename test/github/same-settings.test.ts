import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import type { RunSettings } from '../../src/config/run-settings.js';
import { parseRunCommandArgs, runCommandSettings } from '../../src/cli/commands/run.js';
import type { CliIo } from '../../src/cli/io.js';
import { createTestApp, deliver, examplePayload, github, mockInstallationToken, mockPermission, mockRepoConfig, useGithubMocks } from './harness.js';

useGithubMocks();

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
/** The server operator's environment, the same for `tfactory serve` and `tfactory run`. */
const ENV = { TFACTORY_LLM: 'openai', TFACTORY_MODEL: 'qwen2.5-coder:7b', OPENAI_BASE_URL: 'http://models.internal:8000/v1' };

function cliIo(): CliIo {
  return { stdout: () => undefined, stderr: () => undefined, env: { ...ENV }, cwd: '/srv/tfactory', isTty: false };
}

async function serverSettings(repoConfigYaml: string | null): Promise<RunSettings> {
  const { probot, runs } = await createTestApp({ settingsEnv: loadEnv(ENV, '/srv/tfactory') });
  const payload = examplePayload('pull_request', 'labeled');
  payload.label.name = 'tfactory';
  const scope = github();
  mockInstallationToken(scope);
  mockRepoConfig(scope, OWNER, REPO, repoConfigYaml);
  mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
  scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 77 });
  await deliver(probot, 'pull_request', payload, `same-settings-${repoConfigYaml === null ? 'none' : 'config'}`);
  const [run] = runs.runs;
  if (!run) throw new Error('the trigger recorded no run');
  return run.request.settings;
}

function cliSettings(argv: string[]): RunSettings {
  return runCommandSettings(parseRunCommandArgs(['--base', 'main', ...argv]), cliIo());
}

describe('the App and the CLI resolve the same settings from the same inputs', () => {
  it('with nothing configured: the same test cap, evaluation and model', async () => {
    const server = await serverSettings(null);
    expect(server).toEqual(cliSettings([]));
    expect(server).toMatchObject({ maxTests: 30, model: { provider: 'openai', id: 'qwen2.5-coder:7b', baseUrl: 'http://models.internal:8000/v1' } });
  });

  it('with the same values from a repo config and from flags, up to the cap of 100 tests', async () => {
    const server = await serverSettings('maxTests: 100\nstabilityRuns: 4\nmutation: false\n');
    expect(server).toEqual(cliSettings(['--max-tests', '100', '--stability', '4', '--no-mutation']));
    expect(server.maxTests).toBe(100);
  });
});
