import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { printReport, terminalOptions } from '../../src/cli/report-output.js';
import { runLocally } from '../../src/cli/run-local.js';
import { parseFormat } from '../../src/cli/run-options.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { RunRequest } from '../../src/runs/types.js';
import { sampleReport } from '../fakes/reports.js';
import { testSettings } from '../fakes/settings.js';
import { recordingStages } from '../pipeline/pipeline-fakes.js';
import { requireDocker } from '../helpers/docker.js';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

const docker = requireDocker();

interface FakeIo extends CliIo {
  out: () => string;
  /** stdout without colour codes. */
  plain: () => string;
  err: () => string;
}

function fakeIo(opts: { isTty: boolean; env?: NodeJS.ProcessEnv; cwd?: string }): FakeIo {
  let out = '';
  let err = '';
  return {
    stdout: (t) => { out += t; }, stderr: (t) => { err += t; },
    env: { COLUMNS: '80', ...opts.env }, cwd: opts.cwd ?? tmpdir(), isTty: opts.isTty, out: () => out, err: () => err,
    // eslint-disable-next-line no-control-regex
    plain: () => out.replace(/\x1b\[[0-9;]*m/g, ''),
  };
}

const TERMINAL = /^VERDICT +TEST +CRITERIA +REASON$/m;
/** The whole markdown report (the pipeline adds its own timings, so it is not byte for byte the sample's). */
const MARKDOWN = /^## TFactory report — `discounts`\n[\s\S]*<details><summary>Run details<\/summary>/;

describe('printReport', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tfactory-report-output-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the terminal rendering for text, keeping the markdown beside the run store and saying where', async () => {
    const io = fakeIo({ isTty: true });
    await printReport(io, sampleReport(), { format: 'text' }, join(dir, 'runs.db'));
    const kept = join(dir, 'reports', 'run_01HX.md');
    expect(io.plain()).toMatch(TERMINAL);
    expect(io.out()).not.toContain('<details');
    expect(io.plain().trimEnd().split('\n').at(-1)).toBe(`Full report: ${kept}`);
    expect(readFileSync(kept, 'utf8')).toBe(renderMarkdown(sampleReport()));
  });

  it('gives the hint when the run store is in memory', async () => {
    const io = fakeIo({ isTty: true });
    await printReport(io, sampleReport(), { format: 'text', hint: 'run the demo with --format md' }, ':memory:');
    expect(io.plain().trimEnd().split('\n').at(-1)).toBe('Full report: run the demo with --format md');
  });

  it('prints the markdown for md and the JSON for json, as before', async () => {
    const md = fakeIo({ isTty: true });
    await printReport(md, sampleReport(), { format: 'md' }, ':memory:');
    expect(md.out()).toBe(renderMarkdown(sampleReport()));
    const json = fakeIo({ isTty: true });
    await printReport(json, sampleReport(), { format: 'json' }, ':memory:');
    expect(JSON.parse(json.out())).toEqual(sampleReport());
  });

  it('with --out writes the markdown (or JSON) there; the terminal rendering, when asked for, ends with the path', async () => {
    const text = fakeIo({ isTty: true, cwd: dir });
    await printReport(text, sampleReport(), { format: 'text', out: 'out/report.md' }, ':memory:');
    const target = join(dir, 'out', 'report.md');
    expect(readFileSync(target, 'utf8')).toBe(renderMarkdown(sampleReport()));
    expect(text.plain()).toMatch(TERMINAL);
    expect(text.plain().trimEnd().split('\n').at(-1)).toBe(`Full report: ${target}`);
    expect(text.err()).toContain(`report written to ${target}`);

    const json = fakeIo({ isTty: true, cwd: dir });
    await printReport(json, sampleReport(), { format: 'json', out: 'out/report.json' }, ':memory:');
    expect(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'))).toEqual(sampleReport());
    expect(json.out()).toBe('');
  });

  it('lays out for COLUMNS and colours only on a terminal without NO_COLOR', async () => {
    expect(terminalOptions(fakeIo({ isTty: true }))).toEqual({ width: 80, color: true });
    expect(terminalOptions(fakeIo({ isTty: true, env: { NO_COLOR: '1' } })).color).toBe(false);
    expect(terminalOptions(fakeIo({ isTty: false })).color).toBe(false);
    expect(terminalOptions(fakeIo({ isTty: false, env: { COLUMNS: 'wide' } }))).toEqual({ color: false });

    const tty = fakeIo({ isTty: true, env: { COLUMNS: '60' } });
    await printReport(tty, sampleReport(), { format: 'text' }, ':memory:');
    expect(tty.out()).toContain('\x1b[32maccepted');
    for (const line of tty.plain().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    const piped = fakeIo({ isTty: false });
    await printReport(piped, sampleReport(), { format: 'text' }, ':memory:');
    expect(piped.out()).toMatch(TERMINAL);
    expect(piped.out()).not.toContain('\x1b');
  });
});

/** A local run through runLocally (the pipeline's stages faked, the report the sample one), printed as `run`/`evaluate` print it. */
describe.skipIf(!docker)('runLocally: the report on a terminal and in a pipe', () => {
  // A real repository and a reachable engine: runLocally checks both before it records the run.
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo('tfactory-report-output-');
    repo.write({ 'shop/price.py': 'def price():\n    return 1\n' });
    repo.commit('base');
  });
  afterAll(() => repo.cleanup());

  async function localRun(io: FakeIo, format: string | undefined): Promise<number> {
    const request: RunRequest = {
      source: { kind: 'local', repoPath: repo.dir, baseRef: 'main', headRef: 'HEAD' },
      trigger: { kind: 'cli' },
      options: {},
      settings: testSettings({ model: { provider: 'none' } }),
      idempotencyKey: `test:${Math.random()}`,
    };
    const fakes = recordingStages();
    const stages = { ...fakes.stages, triage: async () => sampleReport() };
    const { code } = await runLocally(io, request, { format: parseFormat(format, io.isTty) }, { stages: () => stages });
    return code;
  }

  it('prints the terminal rendering on a terminal by default', async () => {
    const io = fakeIo({ isTty: true, env: { TFACTORY_DB: ':memory:', NO_COLOR: '1' } });
    expect(await localRun(io, undefined), io.err()).toBe(0);
    expect(io.out()).toMatch(TERMINAL);
    expect(io.out()).not.toMatch(/<details|<br>|<code>|^\|/m);
    expect(io.out()).toContain('Full report: print it with --format md, or write it with --out <file>');
  });

  it('prints the markdown in a pipe by default, and the terminal rendering there with --format text', async () => {
    const piped = fakeIo({ isTty: false, env: { TFACTORY_DB: ':memory:' } });
    expect(await localRun(piped, undefined), piped.err()).toBe(0);
    expect(piped.out()).toMatch(MARKDOWN);

    const forced = fakeIo({ isTty: false, env: { TFACTORY_DB: ':memory:' } });
    expect(await localRun(forced, 'text'), forced.err()).toBe(0);
    expect(forced.out()).toMatch(TERMINAL);
    expect(forced.out()).not.toContain('\x1b');
  });

  it('prints the markdown on a terminal with --format md', async () => {
    const io = fakeIo({ isTty: true, env: { TFACTORY_DB: ':memory:' } });
    expect(await localRun(io, 'md'), io.err()).toBe(0);
    expect(io.out()).toMatch(MARKDOWN);
  });
});

describe.skipIf(!docker)('runLocally: the exit status says whether any test was accepted', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo('tfactory-exit-');
    repo.write({ 'shop/price.py': 'def price():\n    return 1\n' });
    repo.commit('base');
  });
  afterAll(() => repo.cleanup());

  it('exits 3 when the run finished without accepting a test, and says so', async () => {
    const io = fakeIo({ isTty: false, env: { TFACTORY_DB: ':memory:' } });
    const request: RunRequest = {
      source: { kind: 'local', repoPath: repo.dir, baseRef: 'main', headRef: 'HEAD' },
      trigger: { kind: 'cli' }, options: {}, settings: testSettings({ model: { provider: 'none' } }), idempotencyKey: `test:${Math.random()}`,
    };
    const fakes = recordingStages();
    const none = { ...sampleReport(), summary: { ...sampleReport().summary, accepted: 0 } };
    const { code } = await runLocally(io, request, { format: 'md' }, { stages: () => ({ ...fakes.stages, triage: async () => none }) });
    expect(code).toBe(3);
    expect(io.err()).toContain('no test was accepted (exit 3)');
  });
});
