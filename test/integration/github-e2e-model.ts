import { writeFileSync } from 'node:fs';
import type { LlmPort, LlmRequest } from '../../src/llm/port.js';
import { recordTranscript } from '../../src/llm/replay/record-transcript.js';
import type { Stages } from '../../src/pipeline/stages/types.js';
import type { StageContext } from '../../src/pipeline/types.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';
import { GOOD_TESTS } from './github-e2e-repo.js';

/**
 * Recording the GitHub end-to-end transcript (fixtures/llm/github-e2e-transcript.json):
 *   TFACTORY_RECORD_E2E=1 npx vitest run test/integration/github-e2e.test.ts
 * A scripted "good model" answers the planner with one subtask per criterion, the generator with
 * the good pytest file of that criterion, and the judge with "relevant"; every exchange is recorded
 * in sequence mode by recordTranscript while the real pipeline runs.
 */

const TARGET = 'shop/shipping.py::shipping_cost';

const INTENTS: Record<string, string> = {
  'AC#1': 'shipping_cost(2) returns 9 and shipping_cost(3, 10) returns 11; shipping_cost(3, 50) returns 0 while shipping_cost(3, 49) returns 11.',
  'AC#2': 'shipping_cost(0) and shipping_cost(-1, 60) raise ValueError; shipping_cost(0.5) returns 6.',
};

export function answerAsGoodModel(req: LlmRequest<unknown>): unknown {
  switch (req.purpose) {
    case 'plan': {
      const acIds = [...new Set([...req.sharedContext.join('\n').matchAll(/\*\*(AC#\d+)\*\*|\b(AC#\d+)\b/g)].map((m) => m[1] ?? m[2]))].filter((id): id is string => id !== undefined && id in GOOD_TESTS);
      return {
        subtasks: acIds.map((id) => ({
          target: TARGET,
          acIds: [id],
          lane: 'unit',
          intent: INTENTS[id] ?? `checks ${id}`,
          rationale: `Fails if the ${id} behaviour of shipping_cost is reverted or broken.`,
        })),
      };
    }
    case 'generate': {
      const id = /- verifies: (AC#\d+)/.exec(req.prompt)?.[1];
      const content = id ? GOOD_TESTS[id] : undefined;
      if (!content) throw new Error(`good model: no test for this subtask: ${req.prompt.slice(0, 200)}`);
      return { content, summary: `Exact values for ${id} of shipping_cost.` };
    }
    case 'judge':
      // One answer per test file: every listed test is relevant.
      return {
        tests: [...req.prompt.matchAll(/^- `([^`]+)` claims/gm)].map((m) => ({
          name: m[1],
          relevant: true,
          rationale: 'The test pins the exact values the criterion states, in the changed function.',
        })),
      };
    default:
      throw new Error(`good model: unexpected ${req.purpose} request`);
  }
}

/** An empty sequence transcript: TFACTORY_LLM needs a file while the recorder supplies the model. */
export function writeEmptyTranscript(file: string): void {
  writeFileSync(file, `${JSON.stringify({ version: 1, match: 'sequence', entries: [] })}\n`);
}

/** Stages whose model is the recorder (the pipeline's own port is the placeholder replay). */
export function recordingStages(transcriptFile: string): (defaults: Stages) => Stages {
  const recorder: LlmPort = recordTranscript(createScriptedLlm(answerAsGoodModel, { model: 'good-model (scripted)' }), transcriptFile, {
    match: 'sequence',
    now: () => new Date('2024-03-01T12:00:00Z'),
  });
  const withModel = (ctx: StageContext): StageContext => ({ ...ctx, ports: { ...ctx.ports, llm: recorder } });
  return (d) => ({
    ...d,
    plan: (ctx, ingest) => d.plan(withModel(ctx), ingest),
    generate: (ctx, ingest, plan) => d.generate(withModel(ctx), ingest, plan),
    evaluate: (ctx, ingest, generated) => d.evaluate(withModel(ctx), ingest, generated),
  });
}
