import { afterEach, describe, expect, it } from 'vitest';
import { TfError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Stages } from '../../src/pipeline/stages/types.js';
import { createRunService } from '../../src/runs/run-service.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import type { RunStore } from '../../src/runs/store.js';
import type { RunEvent, RunRequest } from '../../src/runs/types.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';
import { createGate, untilAborted, waitFor } from '../runs/fixtures/gates.js';
import { makeRequest } from '../runs/fixtures/requests.js';
import { fakePorts, ingestResult, recordingStages } from './pipeline-fakes.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function runOnce(stages: Stages, req: RunRequest, ports = fakePorts(), prepare?: (store: RunStore, id: string) => Promise<void>) {
  const store = openSqliteRunStore({ path: ':memory:' });
  const service = createRunService({ store, executor: runPipeline({ stages, ports: async () => ports }), concurrency: 1, log: silentLogger() });
  cleanups.push(() => store.close(), () => service.stop({ abort: true }));
  const events: RunEvent[] = [];
  service.subscribe((e) => events.push(e));
  const { run } = await service.submit(req);
  if (prepare) await prepare(store, run.id);
  await service.start();
  await service.idle();
  const done = await service.get(run.id);
  if (!done) throw new Error('run vanished');
  return { run: done, events, store, ports, service };
}

describe('run pipeline', () => {
  it('runs ingest → plan → generate → evaluate → triage → publish, passing each output on', async () => {
    const fakes = recordingStages();
    const { run, events, ports } = await runOnce(fakes.stages, makeRequest());
    expect(run.status).toBe('succeeded');
    expect(fakes.calls).toEqual(['ingest', 'plan', 'generate', 'evaluate', 'triage', 'publish']);
    expect(fakes.seen).toMatchObject({ planIngest: 'h'.repeat(40), generatePlan: 'planner@1', evaluated: ['tests/test_x.py'] });
    expect(run.stages.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    for (const s of run.stages) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(run.report?.timings ?? {})).toEqual(['ingest', 'plan', 'generate', 'evaluate', 'triage', 'publish']);
    expect(fakes.released).toEqual(['ingest']);
    expect(ports.stageChanges).toEqual(['ingest', 'plan', 'generate', 'evaluate', 'triage', 'publish']);
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'stage').map((e) => (e.type === 'stage' ? `${e.stage}:${e.run.stages.find((s) => s.name === e.stage)?.status}` : ''))).toContain('triage:done');
  });

  it('a dry run stops before publish', async () => {
    const fakes = recordingStages();
    const { run } = await runOnce(fakes.stages, makeRequest({ options: { dryRun: true } }));
    expect(run.status).toBe('succeeded');
    expect(fakes.calls).not.toContain('publish');
    expect(fakes.published).toHaveLength(0);
    expect(run.stages.at(-1)).toMatchObject({ name: 'publish', status: 'skipped', note: 'dry run' });
    expect(run.report).toBeDefined();
  });

  it('an evaluate-only run with provided tests skips plan and generate', async () => {
    const fakes = recordingStages();
    const { run } = await runOnce(fakes.stages, makeRequest({ options: { provided: [{ path: 'tests/test_given.py' }] } }));
    expect(fakes.calls).toEqual(['ingest', 'collect', 'evaluate', 'triage', 'publish']);
    expect(fakes.seen.evaluated).toEqual(['tests/test_given.py']);
    expect(fakes.seen.triage).toMatchObject({ plan: null });
    expect(run.stages.find((s) => s.name === 'plan')).toMatchObject({ status: 'skipped' });
    expect(run.stages.find((s) => s.name === 'generate')).toMatchObject({ status: 'skipped' });
  });

  it('resumes after the last finished stage, reusing its output and its timing', async () => {
    const fakes = recordingStages();
    const { run } = await runOnce(fakes.stages, makeRequest(), fakePorts(), async (store, id) => {
      await store.recordStage(id, { name: 'ingest', status: 'done', durationMs: 1234, output: ingestResult('/kept') });
      await store.recordStage(id, { name: 'plan', status: 'done', durationMs: 77, output: { subtasks: [], promptVersion: 'planner@resumed' } });
    });
    expect(fakes.calls).toEqual(['reattach', 'generate', 'evaluate', 'triage', 'publish']);
    expect(fakes.seen.generatePlan).toBe('planner@resumed');
    expect(run.report?.timings).toMatchObject({ ingest: 1234, plan: 77 });
    expect(fakes.released).toEqual(['reattach']);
  });

  it('ingests again when a resumed run\'s workspace is gone', async () => {
    const fakes = recordingStages();
    const { run } = await runOnce(fakes.stages, makeRequest(), fakePorts(), async (store, id) => {
      await store.recordStage(id, { name: 'ingest', status: 'done', output: ingestResult('/gone') });
    });
    expect(fakes.calls.slice(0, 3)).toEqual(['reattach', 'ingest', 'plan']);
    expect(run.status).toBe('succeeded');
  });

  it('a failing stage is recorded with its code; later stages do not run; the workspace is released', async () => {
    const fakes = recordingStages();
    fakes.stages.evaluate = async () => {
      throw new TfError('ENGINE_UNREACHABLE', 'no docker');
    };
    const { run } = await runOnce(fakes.stages, makeRequest());
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ code: 'ENGINE_UNREACHABLE', message: 'no docker' });
    expect(run.stages.find((s) => s.name === 'evaluate')).toMatchObject({ status: 'failed', error: { code: 'ENGINE_UNREACHABLE' } });
    expect(run.stages.find((s) => s.name === 'triage')?.status).toBe('pending');
    expect(fakes.calls).not.toContain('triage');
    expect(fakes.released).toEqual(['ingest']);
  });

  it('meters every model call into the run usage', async () => {
    const fakes = recordingStages({ llm: true });
    const llm = createScriptedLlm([{}], { usage: () => ({ calls: 1, inputTokens: 40, outputTokens: 4, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0.25 }) });
    const { run } = await runOnce(fakes.stages, makeRequest(), fakePorts(llm));
    expect(llm.requests).toHaveLength(1);
    expect(run.usage).toMatchObject({ calls: 1, inputTokens: 40, costUsd: 0.25 });
    expect(fakes.seen.triage).toMatchObject({ usage: 1, byStage: { plan: { calls: 1, inputTokens: 40, outputTokens: 4 } } });
  });

  it('puts what was published into the report: its publication, the criteria ledger counting it, and the publisher\'s notes', async () => {
    const fakes = recordingStages();
    const publication = { target: { kind: 'commit' as const, commitSha: 'abc', branch: 'feature' }, files: [{ path: 'tests/test_x.py', tests: ['tests/test_x.py::test_a'], pruned: true }], leftOut: [] };
    const stages = { ...fakes.stages, publish: async () => ({ notes: ['Committed 1 test file as abc.'], publication }) };
    const { run } = await runOnce(stages, makeRequest(), fakePorts());
    expect(run.report?.publication).toEqual(publication);
    expect(run.report?.notes).toContain('Committed 1 test file as abc.');
  });

  it('counts calls whose output failed validation and enforces one run budget across the stages', async () => {
    const { z } = await import('zod');
    const usage = { calls: 1, inputTokens: 10, outputTokens: 2, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0.1 };
    const llm = createScriptedLlm([
      () => {
        throw new TfError('LLM_INVALID_OUTPUT', 'not the schema', { details: { usage } });
      },
      {},
    ], { usage: () => usage });
    const fakes = recordingStages();
    const refused: string[] = [];
    const ask = (ctx: Parameters<Stages['plan']>[0]) => ctx.ports.llm?.complete({ purpose: 'plan', system: 's', sharedContext: [], prompt: 'p', schema: z.object({}), schemaName: 'x' });
    const stages: Stages = {
      ...fakes.stages,
      async plan(ctx, ingest) {
        await ask(ctx)?.catch(() => undefined); // invalid output: still spent
        await ask(ctx);
        return fakes.stages.plan(ctx, ingest);
      },
      async generate(ctx, ingest, plan) {
        await ask(ctx)?.catch((err: TfError) => void refused.push(err.code));
        return fakes.stages.generate(ctx, ingest, plan);
      },
    };
    const store = openSqliteRunStore({ path: ':memory:' });
    const service = createRunService({ store, executor: runPipeline({ stages, ports: async () => fakePorts(llm), budget: { maxCalls: 2 } }), concurrency: 1, log: silentLogger() });
    cleanups.push(() => store.close(), () => service.stop({ abort: true }));
    const { run } = await service.submit(makeRequest());
    await service.start();
    await service.idle();
    const done = await service.get(run.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.usage).toMatchObject({ calls: 2, inputTokens: 20, costUsd: 0.2 });
    expect(refused).toEqual(['LLM_BUDGET_EXCEEDED']);
    expect(llm.requests).toHaveLength(2);
  });

  it('a cancel during a stage aborts it through the signal and stops the pipeline', async () => {
    const fakes = recordingStages();
    const entered = createGate();
    fakes.stages.generate = async (ctx) => {
      entered.open();
      return untilAborted(ctx.signal);
    };
    const store = openSqliteRunStore({ path: ':memory:' });
    const service = createRunService({ store, executor: runPipeline({ stages: fakes.stages, ports: async () => fakePorts() }), concurrency: 1, log: silentLogger() });
    cleanups.push(() => store.close(), () => service.stop({ abort: true }));
    await service.start();
    const { run } = await service.submit(makeRequest());
    await entered.promise;
    await service.cancel(run.id, 'stop it');
    await service.idle();
    const after = await waitFor(async () => {
      const r = await service.get(run.id);
      return r?.stages.find((s) => s.name === 'generate')?.status === 'failed' ? r : undefined;
    }, 'generate recorded as failed');
    expect(after.status).toBe('cancelled');
    expect(after.stages.find((s) => s.name === 'generate')?.error).toEqual({ code: 'RUN_CANCELLED', message: 'stop it' });
    expect(fakes.calls).not.toContain('evaluate');
    expect(fakes.released).toEqual(['ingest']);
  });
});
