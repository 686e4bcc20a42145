import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { DEMO_REPO_SOURCE, DEMO_TRANSCRIPT } from '../../src/cli/commands/demo.js';
import { buildRepoFromTrees, type BuiltRepo } from '../../src/git/build-repo.js';
import { vendorDirNames } from '../../src/languages/registry.js';
import type { Report } from '../../src/report/types.js';
import { requireDocker } from '../helpers/docker.js';

/**
 * `tfactory mcp` as an MCP client sees it: a real child process (`node bin/tfactory.js mcp`, the
 * built dist/) spoken to over stdio with the SDK's client, running a real local run on the demo
 * repository with the recorded model. Logs (LOG_LEVEL=info) must go to stderr only: every line on
 * stdout has to be a JSON-RPC message.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tfactory.js');
const hasDocker = requireDocker();

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: Record<string, unknown> };

describe.skipIf(!hasDocker)('tfactory mcp over a real stdio child process', () => {
  let scratch: string;
  let repo: BuiltRepo;
  let client: Client;
  let transport: StdioClientTransport;
  const stdoutErrors: string[] = [];
  const stderr: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/cli/main.js is missing: run `npm run build` first (`npm run all` builds before testing)');
    }
    scratch = await mkdtemp(join(tmpdir(), 'tfactory-mcp-stdio-'));
    repo = await buildRepoFromTrees(DEMO_REPO_SOURCE, 'demo-shop-mcp', vendorDirNames());
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'TFACTORY_LLM') env[k] = v;
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: scratch,
      env: { ...env, TFACTORY_DB: join(scratch, 'runs.db'), LOG_LEVEL: 'info' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    // Set before connecting: the client keeps it and also calls it. A line of stdout that is not JSON-RPC lands here.
    transport.onerror = (err) => stdoutErrors.push(err.message.slice(0, 300));
    client = new Client({ name: 'tfactory-stdio-test', version: '1.0.0' });
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await repo?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

  it('initializes and lists the tools', async () => {
    expect(client.getServerVersion()?.name).toBeTruthy();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cancel_run', 'create_run', 'get_report', 'get_run_status', 'list_runs', 'rerun']);
  });

  it('runs the demo repository with the recorded model to the end and serves its report', async () => {
    const created = await call('create_run', { local: { repoPath: repo.dir, base: repo.base, head: repo.head }, llm: `replay:${DEMO_TRANSCRIPT}` });
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const id = created.structuredContent?.id as string;
    expect(id).toBeTruthy();

    // Bounded wait: the run is real (sandbox, mutation probe), so allow a few minutes.
    let status = '';
    const deadline = Date.now() + 480_000;
    while (Date.now() < deadline) {
      const res = await call('get_run_status', { runId: id });
      expect(res.isError, res.content[0]?.text).toBeFalsy();
      status = String(res.structuredContent?.status);
      if (['succeeded', 'failed', 'cancelled'].includes(status)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(status, stderr.join('').slice(-3000)).toBe('succeeded');

    const md = await call('get_report', { runId: id });
    expect(md.isError).toBeFalsy();
    expect(md.content[0]?.text).toContain('## TFactory report');
    expect(md.content[0]?.text).toContain('003-shipping-rates');
    const json = await call('get_report', { runId: id, format: 'json' });
    const report = json.structuredContent as unknown as Report;
    expect(report.run.id).toBe(id);
    expect(report.summary.accepted).toBeGreaterThan(0);
    expect(report.acs.map((a) => a.id)).toEqual(['AC#1', 'AC#2', 'AC#3', 'AC#4']);
    expect(report.usage.provider).toBe('replay');
  }, 540_000);

  it('wrote nothing but JSON-RPC on stdout, and its logs on stderr', () => {
    expect(stdoutErrors).toEqual([]);
    const logs = stderr.join('');
    expect(logs).toContain('mcp server ready on stdio');
    expect(logs).toMatch(/"level":30|INFO/);
  });
});
