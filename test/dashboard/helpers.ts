import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { openSqliteRunStore } from '../../src/runs/sqlite/sqlite-store.js';
import { createRunService, type RunServiceHandle } from '../../src/runs/run-service.js';
import type { ExecutorContext, RunExecutor } from '../../src/runs/executor.js';
import type { RunStore } from '../../src/runs/store.js';
import { STAGES, type Run, type RunRequest } from '../../src/runs/types.js';
import type { Report } from '../../src/report/types.js';
import { createDashboardHandler, type DashboardOptions } from '../../src/dashboard/router.js';
import type { DashboardAccess } from '../../src/dashboard/access.js';
import { localAccess } from '../../src/dashboard/local-access.js';
import { makeRequest } from '../runs/fixtures/requests.js';
import { reportTest, sampleReport, signals } from '../fakes/reports.js';

export const silentLog = pino({ level: 'silent' });

/** Names and code a hostile PR or model could produce: each must reach a page as text. */
export const HOSTILE_NAME = `test_x"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
export const HOSTILE_CODE = `def test_x():\n    assert "</code></pre><script>window.__pwned=3</script>" != "<b>bold</b>" and '&amp;'\n`;
export const HOSTILE_CRITERION = `Totals <iframe src="javascript:window.__pwned=4"></iframe> are rounded & kept`;

/** sampleReport() with one more test, its name and code hostile, and a hostile criterion. */
export function hostileReport(runId: string): Report {
  const base = sampleReport();
  const hostile = reportTest(HOSTILE_NAME, {
    id: `tests/test_evil.py::${HOSTILE_NAME}`,
    file: 'tests/test_evil.py',
    verdict: 'flag',
    reasons: [{ code: 'judge-irrelevant', text: `<a href="javascript:alert(1)">click</a> the judge said so`, severity: 'flag' }],
    signals: signals({ judge: { relevant: false, votes: 1, of: 3, rationale: '<svg onload=alert(1)>' } }),
  });
  return {
    ...base,
    run: { ...base.run, id: runId },
    tests: [...base.tests, hostile],
    acs: [...base.acs, { id: 'AC#9', text: HOSTILE_CRITERION, status: 'flagged', tests: [hostile.id] }],
    summary: { ...base.summary, total: base.summary.total + 1, flagged: base.summary.flagged + 1, acsTotal: base.summary.acsTotal + 1 },
  };
}

/**
 * A replayed run: it walks the real stage records the pipeline writes (running, progress, done
 * with an output), one step each time the test calls `advance()`, and ends with `report`.
 */
export function steppedExecutor(reportFor: (run: Run) => Report, codeFor: (report: Report) => Record<string, string>): { executor: RunExecutor; advance(): void; waiting(): number } {
  const pending: Array<() => void> = [];
  let released = 0;
  const step = (): Promise<void> => {
    if (released > 0) {
      released -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolveStep) => pending.push(resolveStep));
  };
  const executor: RunExecutor = async (run, ctx: ExecutorContext) => {
    const report = reportFor(run);
    for (const name of STAGES) {
      await step();
      const start = Date.now();
      await ctx.reportStage({ name, status: 'running', startedAt: new Date(start).toISOString() });
      if (name === 'evaluate') {
        for (let done = 1; done <= 3; done += 1) {
          await step();
          ctx.reportProgress('evaluate', done, 3);
        }
      }
      const output = name === 'evaluate' ? { tests: report.tests, sources: codeFor(report), languages: {}, notes: [], stats: { containers: 1, executions: 1, necessaryMs: 1, mutants: 1, graderMs: 1 } } : name === 'publish' ? { commitSha: 'c0ffee'.repeat(6) + 'abcd', notes: [] } : {};
      await ctx.reportStage({ name, status: 'done', startedAt: new Date(start).toISOString(), finishedAt: new Date().toISOString(), durationMs: Date.now() - start + 1200, output });
    }
    await ctx.reportUsage({ calls: 4, inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.0123 });
    return { report };
  };
  return {
    executor,
    advance() {
      const next = pending.shift();
      if (next) next();
      else released += 1;
    },
    waiting: () => pending.length,
  };
}

export interface TestDashboard {
  url: string;
  base: string;
  store: RunStore;
  service: RunServiceHandle;
  server: Server;
  close(): Promise<void>;
}

/** The dashboard on a real HTTP server over a real SQLite store and run service. */
export async function startTestDashboard(opts: Partial<Omit<DashboardOptions, 'access'>> & {
  executor?: RunExecutor;
  startWorker?: boolean;
  /** The access policy, given the server's origin once it listens (GitHub sign-in needs it). */
  access?: DashboardAccess | ((origin: string) => DashboardAccess);
} = {}): Promise<TestDashboard> {
  const store = openSqliteRunStore({ path: ':memory:' });
  const executor: RunExecutor = opts.executor ?? (async () => ({}));
  const service = createRunService({ store, executor, concurrency: 1, log: silentLog });
  if (opts.startWorker) await service.start();
  const base = opts.base ?? '';
  let handler: ReturnType<typeof createDashboardHandler> = async () => false;
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 418;
        res.end('not the dashboard');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const { access, ...rest } = opts;
  handler = createDashboardHandler({
    runs: service,
    stageOutputs: (id) => store.stageOutputs(id),
    log: silentLog,
    pollMs: 50,
    ...rest,
    access: typeof access === 'function' ? access(`http://127.0.0.1:${port}`) : access ?? localAccess(),
    base,
  });
  return {
    url: `http://127.0.0.1:${port}${base}`,
    base,
    store,
    service,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await service.stop({ abort: true });
      await store.close();
    },
  };
}

/** Stores a finished run with `report` (and its test code as evaluate's output), as the pipeline leaves it. */
export async function storeFinishedRun(store: RunStore, id: string, request: RunRequest = makeRequest(), report?: Report, code: Record<string, string> = {}): Promise<Run> {
  const created = (await store.create({ id, request, subjectKey: `s-${id}`, createdAt: '2026-12-01T10:00:00.000Z' })).run;
  await store.update(id, { status: 'running', startedAt: '2026-12-01T10:00:01.000Z' }, { at: '2026-12-01T10:00:01.000Z' });
  let t = Date.parse('2026-12-01T10:00:01.000Z');
  for (const name of STAGES) {
    const startedAt = new Date(t).toISOString();
    t += 1500;
    await store.recordStage(id, { name, status: 'done', startedAt, finishedAt: new Date(t).toISOString(), durationMs: 1500, output: name === 'evaluate' ? { sources: code } : {} }, new Date(t).toISOString());
  }
  const finishedAt = new Date(t).toISOString();
  return (await store.update(id, { status: 'succeeded', finishedAt, ...(report ? { report: { ...report, run: { ...report.run, id } } } : {}) }, { at: finishedAt })) ?? created;
}

/** A fetch client with a cookie jar, that does not follow redirects. */
export function browserlessClient(origin: string): { get(path: string, headers?: Record<string, string>): Promise<Response>; post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>; cookie(): string } {
  let jar = '';
  const keep = (res: Response): Response => {
    const set = res.headers.get('set-cookie');
    if (set) jar = set.split(';')[0] ?? '';
    return res;
  };
  return {
    get: async (path, headers = {}) => keep(await fetch(`${origin}${path}`, { redirect: 'manual', headers: { ...(jar ? { cookie: jar } : {}), ...headers } })),
    post: async (path, form, headers = {}) => keep(await fetch(`${origin}${path}`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(jar ? { cookie: jar } : {}), ...headers },
    })),
    cookie: () => jar,
  };
}

export function csrfOf(page: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page);
  if (!m?.[1]) throw new Error('no csrf field on the page');
  return m[1];
}
