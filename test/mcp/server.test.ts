import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { createRunService, type RunServiceHandle } from '../../src/runs/run-service.js';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { silentLogger } from '../../src/logger.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { TfError } from '../../src/errors.js';
import { sampleReport } from '../fakes/reports.js';
import type { RunExecutor } from '../../src/runs/executor.js';

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: Record<string, unknown> };

describe('MCP server (in-memory transport)', () => {
  let service: RunServiceHandle;
  let client: Client;
  let release: () => void = () => {};

  beforeEach(async () => {
    let gate = new Promise<void>((r) => { release = r; });
    const executor: RunExecutor = async (run, ctx) => {
      await ctx.reportStage({ name: 'ingest', status: 'running', startedAt: new Date().toISOString() });
      await new Promise<void>((resolve, reject) => {
        if (ctx.signal.aborted) reject(new TfError('RUN_CANCELLED', 'cancelled'));
        ctx.signal.addEventListener('abort', () => reject(new TfError('RUN_CANCELLED', 'cancelled')), { once: true });
        void gate.then(resolve);
      });
      gate = Promise.resolve();
      await ctx.reportStage({ name: 'ingest', status: 'done', finishedAt: new Date().toISOString(), durationMs: 5, output: {} });
      return { report: { ...sampleReport(), run: { ...sampleReport().run, id: run.id } } };
    };
    service = createRunService({ store: openSqliteRunStore({ path: ':memory:' }), executor, concurrency: 1, log: silentLogger() });
    await service.start();
    const server = createMcpServer({
      runs: service,
      log: silentLogger(),
      renderMarkdown,
      checkLocalRepo: async (p) => {
        if (p.startsWith('/nonexistent')) throw new TfError('USAGE', `${p} is not a git repository`);
        return p;
      },
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'test', version: '1.0.0' });
    await Promise.all([server.connect(a), client.connect(b)]);
  });

  afterEach(async () => {
    release();
    await client.close();
    await service.stop({ abort: true });
  });

  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

  it('lists its tools with input schemas and annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cancel_run', 'create_run', 'get_report', 'get_run_status', 'list_runs', 'rerun']);
    const cancel = tools.find((t) => t.name === 'cancel_run');
    expect(cancel?.annotations?.destructiveHint).toBe(true);
    expect(tools.find((t) => t.name === 'get_report')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'create_run')?.inputSchema.properties).toHaveProperty('local');
  });

  it('creates a local run, follows it to the end and reads its report', async () => {
    const created = await call('create_run', { local: { repoPath: '/repos/shop', base: 'main', head: 'feature' } });
    expect(created.isError).toBeFalsy();
    const id = created.structuredContent?.id as string;
    expect(id).toBeTruthy();
    const early = await call('get_report', { runId: id });
    expect(early.isError).toBe(true);
    expect(early.content[0]?.text).toContain('has no report yet');
    release();
    await service.idle();
    const status = await call('get_run_status', { runId: id });
    expect(status.structuredContent).toMatchObject({ id, status: 'succeeded', source: '/repos/shop' });
    const md = await call('get_report', { runId: id });
    expect(md.content[0]?.text).toContain('## TFactory report');
    const json = await call('get_report', { runId: id, format: 'json' });
    expect((json.structuredContent as { summary: { accepted: number } }).summary.accepted).toBe(1);
    const list = await call('list_runs', { status: ['succeeded'] });
    expect((list.structuredContent?.runs as unknown[]).length).toBe(1);
  });

  it('cancels a running run and refuses to cancel a finished one', async () => {
    const id = (await call('create_run', { local: { repoPath: '/repos/shop', base: 'main', head: 'HEAD' } })).structuredContent?.id as string;
    await expect.poll(async () => (await service.get(id))?.status).toBe('running');
    const cancelled = await call('cancel_run', { runId: id });
    expect(cancelled.structuredContent?.status).toBe('cancelled');
    const again = await call('cancel_run', { runId: id });
    expect(again.isError).toBe(true);
    expect(again.content[0]?.text).toContain('already cancelled');
  });

  it('reruns a run as a new run', async () => {
    const id = (await call('create_run', { local: { repoPath: '/repos/shop', base: 'main', head: 'HEAD' } })).structuredContent?.id as string;
    const rerun = await call('rerun', { runId: id });
    expect(rerun.structuredContent?.id).not.toBe(id);
  });

  it('returns clear tool errors for bad input', async () => {
    const both = await call('create_run', {});
    expect(both.isError).toBe(true);
    expect(both.content[0]?.text).toContain('exactly one of');
    const gh = await call('create_run', { github: { owner: 'a', repo: 'b', pullNumber: 1 } });
    expect(gh.content[0]?.text).toContain('GitHub App configured');
    const notRepo = await call('create_run', { local: { repoPath: '/nonexistent/x', base: 'a', head: 'b' } });
    expect(notRepo.content[0]?.text).toContain('is not a git repository');
    const missing = await call('get_run_status', { runId: 'nope' });
    expect(missing.content[0]?.text).toContain("No run with id 'nope'");
    const invalid = await call('get_run_status', { runId: 42 });
    expect(invalid.isError).toBe(true);
  });
});
