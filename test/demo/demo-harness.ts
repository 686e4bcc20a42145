import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import type { LlmPort } from '../../src/llm/port.js';
import type { Stages } from '../../src/pipeline/stages/types.js';
import type { StageContext } from '../../src/pipeline/types.js';

/** A CLI io that keeps what was written, over a copy of the environment with a private run store. */
export interface CapturedIo extends CliIo {
  out: string[];
  err: string[];
}

export function captureIo(env: NodeJS.ProcessEnv, cwd: string): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd, isTty: false };
}

/** A scratch folder with a run store of its own, so tests never touch the user's cache. */
export async function createScratch(prefix: string): Promise<{ dir: string; env: NodeJS.ProcessEnv; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const env: NodeJS.ProcessEnv = { ...process.env, TFACTORY_DB: join(dir, 'runs.db') };
  delete env.TFACTORY_LLM;
  return { dir, env, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The stages with `llm` in place of the run's model for plan, generate (with its replans) and evaluate (the judge). */
export function withModel(llm: LlmPort): (defaults: Stages) => Stages {
  const swap = (ctx: StageContext): StageContext => ({ ...ctx, ports: { ...ctx.ports, llm } });
  return (d) => ({
    ...d,
    plan: (ctx, ingest) => d.plan(swap(ctx), ingest),
    generate: (ctx, ingest, plan) => d.generate(swap(ctx), ingest, plan),
    evaluate: (ctx, ingest, generated) => d.evaluate(swap(ctx), ingest, generated),
  });
}
