import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TRANSCRIPT, runDemo } from '../../src/cli/commands/demo.js';
import { isTfError } from '../../src/errors.js';
import { fingerprintRequest } from '../../src/llm/fingerprint.js';
import type { LlmPort, LlmRequest, LlmResponse } from '../../src/llm/port.js';
import { recordTranscript } from '../../src/llm/replay/record-transcript.js';
import { createReplayLlm } from '../../src/llm/replay/replay-llm.js';
import { readTranscript } from '../../src/llm/replay/transcript.js';
import { requireDocker } from '../helpers/docker.js';
import { captureIo, createScratch, withModel } from './demo-harness.js';
import { createGoodModel, readModelAnswers, replyAsGoodModel } from './good-model.js';

/**
 * fixtures/demo/transcript.json is the model's side of `tfactory demo`: the real plan, generate
 * (guards and replan included) and evaluate (the judge) of the demo run, answered by the scripted
 * good model of good-model.ts (from fixtures/repos/demo-shop/model-answers.md) and recorded.
 *
 * Re-record after a change to the prompts, the demo repository or the answers with:
 *   UPDATE_DEMO_TRANSCRIPT=1 npx vitest run test/demo/demo-transcript.test.ts
 * Otherwise this test replays the checked-in transcript through the whole demo run and checks that
 * every request is found (fingerprint match), that every entry is used, and that each reply is what
 * the scripted good model answers today.
 */

const UPDATE = process.env.UPDATE_DEMO_TRANSCRIPT === '1';
const hasDocker = requireDocker();

interface Served {
  purpose: string;
  fingerprint: string;
  excerpt: string;
}

/** Replays the transcript; notes misses and replies that differ from the script (the judge's misses would otherwise become report notes). */
function createCheckingPort(file: string) {
  const replay = createReplayLlm(file);
  const answers = readModelAnswers();
  const served: Served[] = [];
  const misses: Served[] = [];
  const drift: Array<Served & { recorded: unknown; scripted: unknown }> = [];
  const port: LlmPort = {
    provider: 'replay',
    model: replay.model,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const seen = { purpose: req.purpose, fingerprint: fingerprintRequest(req), excerpt: req.prompt.slice(0, 200) };
      let res: LlmResponse<T>;
      try {
        res = await replay.complete(req, signal);
      } catch (err) {
        if (isTfError(err, 'REPLAY_MISS')) misses.push(seen);
        throw err;
      }
      served.push(seen);
      const scripted = req.schema.parse(replyAsGoodModel(answers, req as LlmRequest<unknown>));
      if (JSON.stringify(scripted) !== JSON.stringify(res.value)) drift.push({ ...seen, recorded: res.value, scripted });
      return res;
    },
  };
  return { port, served, misses, drift };
}

describe.skipIf(!hasDocker)('demo transcript (fixtures/demo/transcript.json)', () => {
  let scratch: Awaited<ReturnType<typeof createScratch>>;

  beforeAll(async () => {
    scratch = await createScratch('tfactory-demo-transcript-');
  });
  afterAll(async () => {
    await scratch.remove();
  });

  it.runIf(UPDATE)('is recorded from the scripted good model through the whole demo run', async () => {
    // The run's own model is never asked (the stages get the recorder); it only has to load.
    const stub = join(scratch.dir, 'stub-transcript.json');
    writeFileSync(stub, JSON.stringify({ version: 1, entries: [] }));
    const recorder = recordTranscript(createGoodModel(), DEMO_TRANSCRIPT, { now: () => new Date('2025-01-01T00:00:00Z') });
    const io = captureIo(scratch.env, scratch.dir);
    const { outcome } = await runDemo(io, { format: 'json', llm: `replay:${stub}` }, { stages: withModel(recorder) });
    expect(outcome.succeeded, io.err.join('')).toBe(true);
    const purposes = recorder.transcript.entries.map((e) => e.purpose);
    expect(purposes.filter((p) => p === 'plan')).toHaveLength(2);
    expect(purposes).toContain('judge');
  }, 600_000);

  it.skipIf(UPDATE)('replays the whole demo run without a miss, uses every entry, and matches the scripted answers', async () => {
    expect(existsSync(DEMO_TRANSCRIPT), 'no transcript: record it with UPDATE_DEMO_TRANSCRIPT=1').toBe(true);
    const transcript = readTranscript(DEMO_TRANSCRIPT);
    expect(transcript.match).toBe('fingerprint');
    const check = createCheckingPort(DEMO_TRANSCRIPT);
    const io = captureIo(scratch.env, scratch.dir);
    const { outcome } = await runDemo(io, { format: 'json' }, { stages: withModel(check.port) });

    const stale = 'the prompts, the demo repository or the answers changed: re-record with UPDATE_DEMO_TRANSCRIPT=1';
    expect(check.misses, stale).toEqual([]);
    expect(check.drift, stale).toEqual([]);
    const used = new Set(check.served.map((s) => s.fingerprint));
    const unused = transcript.entries.filter((e) => !used.has(e.fingerprint)).map((e) => `${e.purpose}: ${e.promptExcerpt ?? ''}`);
    expect(unused, `entries no request asked for: ${stale}`).toEqual([]);
    expect(outcome.succeeded, io.err.join('')).toBe(true);

    // The conversation holds the story of the demo: one plan, a rejected hallucinated test, its replan and the corrected test.
    const purposes = check.served.map((s) => s.purpose);
    expect(purposes[0]).toBe('plan');
    expect(check.served.filter((s) => s.purpose === 'plan' && s.excerpt.includes('replace rejected subtasks'))).toHaveLength(1);
    expect(purposes.filter((p) => p === 'generate').length).toBe(readModelAnswers().byAc.size + 1);
    expect(purposes).toContain('judge');
    expect(outcome.report?.notes.some((n) => /rejected and the subtask replanned/.test(n) && /INTERNATIONAL_MULTIPLIER/.test(n))).toBe(true);
  }, 600_000);
});
