import type { GitPort } from '../../src/git/types.js';
import type { LlmPort } from '../../src/llm/port.js';
import type { CandidateFile, EvaluateResult, IngestResult, Ports, Publisher } from '../../src/pipeline/types.js';
import type { Stages } from '../../src/pipeline/stages/types.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../../src/report/types.js';
import type { SandboxPort } from '../../src/sandbox/port.js';
import type { SpecSelection } from '../../src/criteria/types.js';
import type { Run, StageName } from '../../src/runs/types.js';
import { testSettings } from '../fakes/settings.js';

export const SPEC: SpecSelection = {
  spec: { kind: 'pr-body', id: 'pr-7', title: 'Discounts', path: 'PR #7 description', contentHash: 'h', acs: [{ id: 'AC#1', text: 'discount applies', syntax: 'bullet', source: { path: 'PR', line: 1 } }] },
  reason: 'pr-description',
  candidates: [],
};

export function ingestResult(dir = '/tmp/tf-ws-fake'): IngestResult {
  return {
    workspaceDir: dir,
    baseSha: 'b'.repeat(40),
    headSha: 'h'.repeat(40),
    diff: { baseSha: 'b'.repeat(40), headSha: 'h'.repeat(40), mergeBaseSha: 'b'.repeat(40), files: [], symbols: [] },
    spec: SPEC,
    profiles: [],
  };
}

export function emptyEvaluation(): EvaluateResult {
  return { tests: [], sources: {}, languages: {}, notes: [], stats: { containers: 0, executions: 0, necessaryMs: 0, mutants: 0, graderMs: 0 } };
}

const candidate: CandidateFile = { path: 'tests/test_x.py', content: 'def test_x(): pass\n', language: 'python', framework: 'pytest', origin: 'generated', acIds: ['AC#1'] };

export function fakeReport(runId: string, timings: Record<string, number>): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: { id: runId, source: 'acme/shop#7', baseSha: 'b', headSha: 'h', startedAt: 's', finishedAt: 'f', tfactoryVersion: '0', prompts: {}, dryRun: false },
    settings: testSettings(),
    spec: null,
    summary: { total: 1, accepted: 1, flagged: 0, rejected: 0, errors: 0, stuck: 0, acsVerified: 1, acsTotal: 1 },
    tests: [],
    acs: [],
    stuck: [],
    usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0, provider: 'x', model: 'y' },
    timings,
    notes: [],
  };
}

/** Stages that record their calls and pass recognisable values along. */
export function recordingStages(opts: { llm?: boolean } = {}) {
  const calls: string[] = [];
  const released: string[] = [];
  const published: Report[] = [];
  const seen: Record<string, unknown> = {};
  const stages: Stages = {
    ingest: {
      async run(ctx) {
        calls.push('ingest');
        ctx.progress('ingest', 1, 1);
        return { result: ingestResult(), release: async () => void released.push('ingest') };
      },
      async reattach(previous) {
        calls.push('reattach');
        return previous.workspaceDir === '/gone' ? undefined : { result: previous, release: async () => void released.push('reattach') };
      },
    },
    async plan(ctx, ingest) {
      calls.push('plan');
      seen.planIngest = ingest.headSha;
      if (opts.llm && ctx.ports.llm) {
        const { z } = await import('zod');
        await ctx.ports.llm.complete({ purpose: 'plan', system: 's', sharedContext: [], prompt: 'p', schema: z.object({}), schemaName: 'x' });
      }
      return { subtasks: [], promptVersion: 'planner@1' };
    },
    async generate(_ctx, _ingest, plan) {
      calls.push('generate');
      seen.generatePlan = plan.promptVersion;
      return { candidates: [candidate], stuck: [] };
    },
    async collect(_ctx, _ingest, provided) {
      calls.push('collect');
      return { candidates: provided.map((p) => ({ ...candidate, path: p.path, origin: 'provided' as const })), stuck: [] };
    },
    async evaluate(_ctx, _ingest, generated) {
      calls.push('evaluate');
      seen.evaluated = generated.candidates.map((c) => c.path);
      return emptyEvaluation();
    },
    async triage(ctx, input) {
      calls.push('triage');
      seen.triage = { plan: input.plan?.promptVersion ?? null, timings: Object.keys(input.timings), usage: input.usage.calls, byStage: input.usageByStage };
      return fakeReport(ctx.run.id, input.timings);
    },
    async publish(_ctx, report) {
      calls.push('publish');
      published.push(report);
      return { notes: ['published'] };
    },
  };
  return { stages, calls, released, published, seen };
}

export function fakePorts(llm?: LlmPort): Ports & { stageChanges: StageName[] } {
  const stageChanges: StageName[] = [];
  const publisher: Publisher = {
    async stageChanged(_run: Run, stage: StageName) {
      stageChanges.push(stage);
    },
    async publish() {
      return { notes: [] };
    },
  };
  return {
    git: {} as GitPort,
    sandbox: {} as SandboxPort,
    ...(llm ? { llm } : {}),
    publisher,
    stageChanges,
  };
}
