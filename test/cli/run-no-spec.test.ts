import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

const docker = requireDocker();

function captureIo(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env, cwd, isTty: false, out: () => out, err: () => err };
}

/**
 * `tfactory run` on a local change with no spec: the criteria come from the commit messages
 * base..head. The model is a recorded (sequence) transcript whose planner proposes nothing, so the
 * run ends after the plan with a report that names where its criteria came from.
 */
describe.skipIf(!docker)('tfactory run: a local change without a spec', () => {
  let repo: TestRepo;
  let home: string;
  let transcript: string;
  let firstSha: string;

  beforeAll(() => {
    repo = makeRepo('tfactory-run-nospec-');
    repo.write({ 'shop/__init__.py': '', 'shop/price.py': 'def price(w):\n    return 5\n' });
    repo.commit('base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ 'shop/price.py': 'def price(w):\n    return 5 + 2 * w\n' });
    firstSha = repo.commit('Price parcels by weight');
    repo.write({ 'shop/price.py': 'def price(w):\n    if w <= 0:\n        raise ValueError(w)\n    return 5 + 2 * w\n' });
    repo.commit('Refuse zero and negative weights');
    home = mkdtempSync(join(tmpdir(), 'tfactory-run-nospec-home-'));
    transcript = join(home, 'transcript.json');
    writeFileSync(transcript, JSON.stringify({
      version: 1, match: 'sequence', provider: 'recorded', model: 'planner (recorded)',
      entries: [{ purpose: 'plan', fingerprint: '0'.repeat(64), schemaName: 'test_plan', response: '{"subtasks":[]}' }],
    }));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it('derives its criteria from the commit messages and says so in the report', async () => {
    const io = captureIo(repo.dir, { TFACTORY_DB: join(home, 'runs.db'), HOME: home, PATH: process.env.PATH ?? '', TFACTORY_WORKSPACE_ROOT: join(home, 'ws') });
    expect(await main(['run', '--base', 'main', '--llm', `replay:${transcript}`, '--format', 'json', '--quiet'], io), io.err()).toBe(3); // exit 3: the run finished, no test accepted
    const report = JSON.parse(io.out()) as Report;
    expect(report.spec).toMatchObject({ kind: 'derived', derived: { label: 'no spec: criteria derived from 2 commit messages', sources: [firstSha.slice(0, 12), expect.any(String)] } });
    expect(report.acs.map((a) => `${a.id} ${a.text} ${a.status}`)).toEqual(['AC#1 Price parcels by weight unverified', 'AC#2 Refuse zero and negative weights unverified']);
    expect(report.summary).toMatchObject({ acsTotal: 2, acsVerified: 0, total: 0 });
    expect(report.notes).toContain('No spec: criteria derived from 2 commit messages: they restate what the author wrote, not a reviewed spec.');

    const text = captureIo(repo.dir, { TFACTORY_DB: join(home, 'runs.db'), HOME: home, PATH: process.env.PATH ?? '', TFACTORY_WORKSPACE_ROOT: join(home, 'ws') });
    expect(await main(['run', '--base', 'main', '--llm', `replay:${transcript}`, '--format', 'text', '--quiet'], text), text.err()).toBe(3);
    expect(text.out()).toMatch(/Spec\s+no spec: criteria derived from 2 commit messages/);
  }, 120_000);
});
