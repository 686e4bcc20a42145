import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunCommandArgs, runCommandSettings } from '../../src/cli/commands/run.js';
import { runLocally } from '../../src/cli/run-local.js';
import { isTfError } from '../../src/errors.js';
import { createLlm } from '../../src/llm/create-llm.js';
import type { LlmPort, LlmRequest, LlmResponse } from '../../src/llm/port.js';
import { recordTranscript } from '../../src/llm/replay/record-transcript.js';
import { createReplayLlm } from '../../src/llm/replay/replay-llm.js';
import { readTranscript } from '../../src/llm/replay/transcript.js';
import { publishedTestIds } from '../../src/report/publication.js';
import type { Report } from '../../src/report/types.js';
import type { RunRequest } from '../../src/runs/types.js';
import { PACKAGE_ROOT } from '../../src/version.js';
import { captureIo, createScratch, withModel } from '../demo/demo-harness.js';
import { requireDocker } from '../helpers/docker.js';
import { createFixtureRepo, type FixtureRepo } from '../fakes/repos.js';

/**
 * Two whole runs answered by a capable model (not a script): fixtures/llm/recorded-python.json and
 * recorded-typescript.json hold every request of `tfactory run --commit` on fixtures/repos/py-pricing
 * and ts-pricing (plan, generate, the judge) with the model's answers, recorded through the real
 * OpenAI-compatible transport (scripts/model-relay.mjs in front of the person answering).
 * This test replays them through the real pipeline, sandbox included, and holds the run to what
 * the issue asks of it: every accepted test published (and `publication` says where), the judge a
 * small share of the calls, and the planner and generator sharing one context byte for byte.
 *
 * Re-record (after a prompt or pipeline change that changes the requests):
 *   node scripts/model-relay.mjs /tmp/relay &           # then answer each /tmp/relay/NNN.request.md
 *   TFACTORY_RECORD_REAL=1 OPENAI_BASE_URL=http://127.0.0.1:8765/v1 npx vitest run test/recorded
 * The relay answers a request it has seen before from its cache, so only new requests need answers.
 */

const RECORD = process.env.TFACTORY_RECORD_REAL === '1';
const hasDocker = requireDocker();

export const RECORDED_RUNS = [
  { name: 'python', repo: 'py-pricing', transcript: join(PACKAGE_ROOT, 'fixtures', 'llm', 'recorded-python.json') },
  { name: 'typescript', repo: 'ts-pricing', transcript: join(PACKAGE_ROOT, 'fixtures', 'llm', 'recorded-typescript.json') },
] as const;

interface Seen {
  purpose: string;
  system: string;
  shared: string[];
  prompt: string;
  miss: boolean;
}

/** Wraps a port and keeps every request it was asked (and whether the replay missed it). */
function watching(port: LlmPort, seen: Seen[]): LlmPort {
  return {
    provider: port.provider,
    model: port.model,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const entry: Seen = { purpose: req.purpose, system: req.system, shared: req.sharedContext, prompt: req.prompt, miss: false };
      seen.push(entry);
      try {
        return await port.complete(req, signal);
      } catch (err) {
        if (isTfError(err, 'REPLAY_MISS')) entry.miss = true;
        throw err;
      }
    },
  };
}

describe.skipIf(!hasDocker)('runs recorded with a capable model', () => {
  let scratch: Awaited<ReturnType<typeof createScratch>>;
  beforeAll(async () => {
    scratch = await createScratch('tfactory-recorded-');
  });
  afterAll(async () => {
    await scratch.remove();
  });

  for (const r of RECORDED_RUNS) {
    describe(`${r.name} (${r.repo})`, () => {
      let repo: FixtureRepo;
      let report: Report | undefined;
      let code = -1;
      const seen: Seen[] = [];
      let err = '';

      beforeAll(async () => {
        repo = await createFixtureRepo(r.repo);
        // A local run reuses the checkout's node_modules (src/wiring/project-packages.ts): lend it TFactory's own (vitest 4).
        if (existsSync(join(repo.dir, 'package.json'))) symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(repo.dir, 'node_modules'), 'dir');
        const io = captureIo({ ...scratch.env, TFACTORY_DB: join(scratch.dir, `${r.name}.db`) }, repo.dir);
        let model: LlmPort;
        if (RECORD) {
          const relay = await createLlm({ provider: 'openai', model: 'capable-model (relay)', baseUrl: io.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:8765/v1', timeoutMs: 3_600_000, stallMs: 3_600_000, retry: { maxRetries: 0 } }, io.env);
          model = recordTranscript(relay, r.transcript, { now: () => new Date('2026-12-02T04:30:00Z') });
        } else {
          expect(existsSync(r.transcript), `record ${r.transcript}: see the header of this test`).toBe(true);
          model = createReplayLlm(r.transcript);
        }
        // The run's own model is never asked (the stages get `model`); it only has to load.
        const stub = join(scratch.dir, 'stub-transcript.json');
        writeFileSync(stub, JSON.stringify({ version: 1, entries: [] }));
        const o = parseRunCommandArgs(['--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--commit', '--max-tests', '4', '--llm', `replay:${stub}`]);
        const request: RunRequest = {
          source: { kind: 'local', repoPath: repo.dir, baseRef: repo.base, headRef: repo.head },
          trigger: { kind: 'cli' },
          options: { commit: true },
          settings: runCommandSettings(o, io),
          idempotencyKey: `recorded:${r.name}`,
        };
        const out = await runLocally(io, request, { format: 'json', progress: 'lines' }, { stages: withModel(watching(model, seen)) });
        code = out.code;
        report = out.run?.report;
        err = io.err.join('');
      }, 3_600_000);
      afterAll(async () => {
        await repo?.cleanup();
      });

      it('replays every request without a miss and uses every recorded answer', () => {
        expect(seen.filter((s) => s.miss).map((s) => `${s.purpose}: ${s.prompt.slice(0, 120)}`), 'the requests changed: re-record (header of this test)').toEqual([]);
        const entries = readTranscript(r.transcript).entries;
        expect(seen).toHaveLength(entries.length);
        expect(code, `${err}\n${JSON.stringify({ notes: report?.notes, tests: report?.tests.map((t) => [t.id, t.verdict, t.reasons]) })}`).toBe(0);
      });

      it('publishes every accepted test, and the publication says where', () => {
        expect(report?.publication, err).toBeDefined();
        const pub = report!.publication!;
        const accepted = report!.tests.filter((t) => t.verdict === 'accept').map((t) => t.id).sort();
        expect(accepted.length).toBeGreaterThan(0);
        // Every accepted test is written out, the cases of a parametrised function included (they are
        // that function run on other values, not copies of each other), so none is left out.
        expect(publishedTestIds(pub).sort()).toEqual(accepted);
        expect(pub.leftOut).toEqual([]);
        expect(pub.target.kind).toBe('commit');
        // The criteria ledger counts what was published.
        for (const ac of report!.acs) expect(ac.published?.every((id) => publishedTestIds(pub).includes(id))).toBe(true);
        for (const f of pub.files) expect(existsSync(join(repo.dir, f.path)), f.path).toBe(true);
      });

      it('spends at most a quarter of its model calls on the judge', () => {
        const judge = seen.filter((s) => s.purpose === 'judge').length;
        // One call judges every accepted test of the run's files (the model found them all relevant: no second opinion).
        expect(judge).toBe(1);
        expect(judge / seen.length).toBeLessThanOrEqual(0.25);
        const listed = [...(seen.find((s) => s.purpose === 'judge')?.prompt ?? '').matchAll(/^- `([^`]+)` claims/gm)].map((m) => m[1]);
        const judgedFiles = new Set(listed.map((t) => t?.split('::')[0]));
        expect(judgedFiles.size).toBeGreaterThan(1);
        for (const t of report?.tests.filter((x) => x.verdict === 'accept') ?? []) expect(judgedFiles.has(t.file), t.id).toBe(true);
      });

      it('gives the planner and the generator the same context, byte for byte', () => {
        const plan = seen.filter((s) => s.purpose === 'plan');
        const generate = seen.filter((s) => s.purpose === 'generate');
        expect(plan.length).toBeGreaterThan(0);
        expect(generate.length).toBeGreaterThan(0);
        const context = JSON.stringify(plan[0]!.shared);
        for (const s of [...plan, ...generate]) expect(JSON.stringify(s.shared)).toBe(context);
        // The context holds the changed file whole and its base version.
        expect(context).toMatch(r.name === 'python' ? /def apply_discount/ : /export function applyDiscount/);
      });
    });
  }
});
