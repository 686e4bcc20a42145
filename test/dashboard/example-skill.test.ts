import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { silentLogger } from '../../src/logger.js';
import { FakeRunService } from '../fakes/fake-run-service.js';

const DIR = join(import.meta.dirname, '..', '..', 'examples', 'claude-code');

/** The YAML front matter of a skill: `key: value` lines between two `---`. */
function frontMatter(text: string): Record<string, string> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!m?.[1]) throw new Error('no front matter');
  return Object.fromEntries(m[1].split('\n').map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

describe('the shipped Claude Code example', () => {
  const skill = readFileSync(join(DIR, 'skills', 'tfactory-run', 'SKILL.md'), 'utf8');

  it('is a skill: a name in lowercase and hyphens matching its folder, a description of when to use it', () => {
    const fm = frontMatter(skill);
    expect(Object.keys(fm).sort()).toEqual(['description', 'name']);
    expect(fm.name).toBe('tfactory-run');
    expect(fm.name).toMatch(/^[a-z0-9-]{1,64}$/);
    expect(fm.description?.length).toBeGreaterThan(50);
    expect(fm.description?.length).toBeLessThanOrEqual(1024);
    expect(fm.description).toMatch(/Use when/);
  });

  it('names only tools and arguments the MCP server has, and the config starts that server', async () => {
    const config = JSON.parse(readFileSync(join(DIR, '.mcp.json'), 'utf8')) as { mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }> };
    const server = config.mcpServers.tfactory;
    expect(server?.command).toBe('tfactory');
    expect(server?.args).toEqual(['mcp']);
    expect(Object.keys(COMMANDS)).toContain('mcp');
    expect(Object.keys(COMMANDS)).toContain('serve');
    expect(server?.env.TFACTORY_PUBLIC_URL).toBe('http://127.0.0.1:3100');
    expect(Object.keys(server?.env ?? {}).filter((k) => /KEY|TOKEN|SECRET/.test(k))).toEqual([]);

    const mcp = createMcpServer({ runs: new FakeRunService(), log: silentLogger(), renderMarkdown: () => '', checkLocalRepo: async (p) => p });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await mcp.connect(b);
    const client = new Client({ name: 'skill-check', version: '1' });
    await client.connect(a);
    const { tools } = await client.listTools();
    await client.close();
    const byName = new Map(tools.map((t) => [t.name, Object.keys((t.inputSchema as { properties?: object }).properties ?? {})]));
    const named = [...new Set(skill.match(/`(create_run|get_run_status|get_report|list_runs|rerun|cancel_run|[a-z]+_[a-z_]+)`/g)?.map((s) => s.slice(1, -1)) ?? [])];
    for (const tool of named.filter((n) => /_run|_runs|report|rerun/.test(n))) expect(byName.has(tool), tool).toBe(true);
    expect(byName.get('create_run')).toEqual(expect.arrayContaining(['local', 'github', 'dryRun', 'spec']));
    expect(byName.get('get_report')).toEqual(expect.arrayContaining(['runId', 'format']));
  });
});
