import { createHmac, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp, type GithubRuntime } from '../github/app.js';
import { createWebhookHandler } from '../github/webhook-server.js';
import { silentLogger } from '../logger.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { openRunStore } from '../runs/open-run-store.js';
import { createRunService } from '../runs/run-service.js';
import { subjectKeyOf } from '../runs/subject.js';
import { startFakeGithub } from './fake-github.js';

/**
 * `npm run bench:webhooks`: the GitHub App and a bare server (reads the body, checks the signature,
 * answers) under the same burst of signed deliveries: by default 200 deliveries for 20 PRs (label
 * events and one `/tfactory run` comment per PR), 50 in flight, against a fake GitHub on 127.0.0.1 whose every
 * REST answer takes `--latency` ms. Prints p50/p95/p99 of the answer time of both, their ratio, how
 * many PRs were left without a run once the App's work after the answer is done, and the RSS.
 */

const SECRET = 'bench-webhook-secret';
const OWNER = 'bench-org';
const REPO = 'shop';

export interface BurstOptions {
  deliveries: number;
  pulls: number;
  inFlight: number;
  latencyMs: number;
  /** Bursts per server, taken in turns (bare, App, bare, App…). */
  rounds: number;
  /** Where the App records deliveries before answering: `disk` (production) or `memory` (to see the fsync's share). */
  inbox?: 'disk' | 'memory';
}

export interface LatencyFigures {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

export interface WebhookBenchResult {
  options: BurstOptions;
  bare: LatencyFigures;
  app: LatencyFigures;
  ratioP99: number;
  pullsWithoutRun: number;
  runs: number;
  workMs: number;
  rssMb: { before: number; after: number; afterOversized: number };
  /** Answers to five 30 MB deliveries (413 expected). */
  oversizedStatuses: number[];
  /** p99 of each round, to show the spread. */
  roundP99: Array<{ bare: number; app: number }>;
}

interface Delivery {
  id: string;
  name: string;
  body: string;
  signature: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function figures(samples: Array<{ ms: number; status: number }>): LatencyFigures {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0, statuses };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- example payloads are edited field by field
function example(event: string, action: string, index = 0): any {
  const all = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<{ action?: string }> }>;
  const found = all.find((e) => e.name === event)?.examples.filter((e) => e.action === action)[index];
  if (!found) throw new Error(`no example payload for ${event}.${action}`);
  return structuredClone(found);
}

function sign(body: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

/**
 * The burst: for each PR, a label delivery, then one `/tfactory run` comment, then repeated label
 * deliveries (a label removed and added again, GitHub's redeliveries), all on the same head commit.
 */
export function buildBurst(opts: BurstOptions, apiOrigin: string): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < opts.deliveries; i++) {
    const pull = (i % opts.pulls) + 1;
    const round = Math.floor(i / opts.pulls);
    const id = `bench-${i}`;
    let name: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are edited field by field
    let payload: any;
    if (round !== 1) {
      name = 'pull_request';
      payload = example('pull_request', 'labeled');
      payload.label.name = 'tfactory';
      payload.pull_request.labels = [{ ...payload.label }];
      payload.pull_request.number = pull;
      payload.number = pull;
      payload.pull_request.head.sha = pull.toString(16).padStart(40, 'a');
    } else {
      name = 'issue_comment';
      payload = example('issue_comment', 'created', 3);
      payload.issue.number = pull;
      payload.issue.pull_request = { url: `${apiOrigin}/repos/${OWNER}/${REPO}/pulls/${pull}`, html_url: '', diff_url: '', patch_url: '' };
      payload.comment.body = '/tfactory run';
      payload.comment.id = 10_000 + i;
    }
    payload.repository.owner.login = OWNER;
    payload.repository.name = REPO;
    payload.repository.full_name = `${OWNER}/${REPO}`;
    payload.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
    payload.sender.type = 'User';
    payload.sender.login = 'maintainer';
    const body = JSON.stringify(payload);
    out.push({ id, name, body, signature: sign(body) });
  }
  return out;
}

async function post(url: string, d: Delivery): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': d.name, 'x-github-delivery': d.id, 'x-hub-signature-256': d.signature },
    body: d.body,
  });
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

async function fire(url: string, burst: Delivery[], inFlight: number): Promise<Array<{ ms: number; status: number }>> {
  const results: Array<{ ms: number; status: number }> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < burst.length) {
      const d = burst[next++];
      if (d) results.push(await post(url, d));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return results;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`, server };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A bare webhook server: reads the body, checks the HMAC signature, answers 200. */
function bareHandler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(sign(body.toString('utf8')));
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    JSON.parse(body.toString('utf8'));
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'bad signature\n');
  });
}

export async function runWebhookBench(opts: BurstOptions): Promise<WebhookBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'tfactory-bench-webhooks-'));
  const fake = await startFakeGithub({ token: 'ghs_BENCHTOKEN', latencyMs: opts.latencyMs, pulls: {} });
  for (let n = 1; n <= opts.pulls; n++) {
    const sha = n.toString(16).padStart(40, 'a');
    const repo = { full_name: `${OWNER}/${REPO}`, default_branch: 'main', clone_url: `${fake.origin}/${OWNER}/${REPO}.git` };
    fake.pulls[`${OWNER}/${REPO}#${n}`] = { number: n, maintainer_can_modify: true, head: { ref: `feature-${n}`, sha, repo }, base: { ref: 'main', sha: '0'.repeat(40), repo } };
  }
  const store = openRunStore({ dbPath: join(root, 'runs.db') });
  // The worker is not started: this measures the webhook side (answers, runs recorded, check runs created).
  const runService = createRunService({ store, executor: async () => ({}), log: silentLogger(), concurrency: 1 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  // Probot's default Octokit (retries and write throttling on, as in production).
  let runtime: GithubRuntime | undefined;
  const appFn = createApp({ runService, renderMarkdown, appId: 2, ...(opts.inbox === 'memory' ? {} : { inboxDir: join(root, 'deliveries') }), onReady: (r) => (runtime = r) });
  // The App's webhook path as the server runs it: body limit, Probot's middleware, our handlers.
  const handler = await createWebhookHandler(appFn, { appId: 2, privateKey, secret: SECRET, baseUrl: fake.apiBase, log: silentLogger() });
  const burst = buildBurst(opts, fake.origin);
  const bare = await listen(bareHandler);
  const app = await listen((req, res) => void handler(req, res, () => res.writeHead(404).end()));
  try {
    const rssBefore = process.memoryUsage().rss;
    // Warm both servers (connection set-up, JIT) with one delivery each of another id range.
    await fire(bare.url, buildBurst({ ...opts, deliveries: 2 }, fake.origin).map((d) => ({ ...d, id: `warm-${d.id}` })), 1);
    // Side by side: the two servers take turns, round after round, on the same machine and load;
    // each round is the same burst under new delivery ids.
    const bareSamples: Array<{ ms: number; status: number }> = [];
    const appSamples: Array<{ ms: number; status: number }> = [];
    const roundP99: Array<{ bare: number; app: number }> = [];
    for (let round = 0; round < opts.rounds; round++) {
      const deliveries = burst.map((d) => ({ ...d, id: `r${round}-${d.id}` }));
      const b = await fire(bare.url, deliveries, opts.inFlight);
      const a = await fire(app.url, deliveries, opts.inFlight);
      bareSamples.push(...b);
      appSamples.push(...a);
      roundP99.push({ bare: figures(b).p99, app: figures(a).p99 });
    }
    const workStarted = performance.now();
    await runtime?.settled();
    const workMs = performance.now() - workStarted;
    const rssAfter = process.memoryUsage().rss;
    // Oversized deliveries (30 MB, over GitHub's 25 MB cap): refused, and memory stays where it was.
    const big = `{"zen":"${'x'.repeat(30 * 2 ** 20)}"}`;
    const oversized: number[] = [];
    for (let i = 0; i < 5; i++) oversized.push((await post(app.url, { id: `big-${i}`, name: 'ping', body: big, signature: sign(big) })).status);
    const rssAfterBig = process.memoryUsage().rss;
    let pullsWithoutRun = 0;
    let runs = 0;
    for (let n = 1; n <= opts.pulls; n++) {
      const subjectKey = subjectKeyOf({ kind: 'github', owner: OWNER, repo: REPO, pullNumber: n, installationId: 1, headRepoFullName: `${OWNER}/${REPO}`, headRef: '', baseRef: '', headSha: '' });
      const found = await runService.list({ subjectKey, limit: 1000 });
      runs += found.length;
      if (found.length === 0) pullsWithoutRun++;
    }
    const bareFig = figures(bareSamples);
    const appFig = figures(appSamples);
    return {
      options: opts,
      bare: bareFig,
      app: appFig,
      ratioP99: bareFig.p99 > 0 ? appFig.p99 / bareFig.p99 : Infinity,
      pullsWithoutRun,
      runs,
      workMs,
      rssMb: { before: Math.round(rssBefore / 2 ** 20), after: Math.round(rssAfter / 2 ** 20), afterOversized: Math.round(rssAfterBig / 2 ** 20) },
      oversizedStatuses: oversized,
      roundP99,
    };
  } finally {
    runtime?.stop();
    await close(app.server);
    await close(bare.server);
    await fake.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
  return value;
}

function line(name: string, f: LatencyFigures): string {
  const statuses = Object.entries(f.statuses).map(([s, n]) => `${s}×${n}`).join(' ');
  return `${name.padEnd(12)} p50 ${f.p50.toFixed(1).padStart(7)} ms   p95 ${f.p95.toFixed(1).padStart(7)} ms   p99 ${f.p99.toFixed(1).padStart(7)} ms   max ${f.max.toFixed(1).padStart(7)} ms   answers ${statuses}`;
}

async function main(argv: string[]): Promise<void> {
  const opts: BurstOptions = {
    deliveries: arg(argv, 'deliveries', 200),
    pulls: arg(argv, 'pulls', 20),
    inFlight: arg(argv, 'in-flight', 50),
    latencyMs: arg(argv, 'latency', 20),
    rounds: Math.max(1, arg(argv, 'rounds', 3)),
    inbox: argv.includes('--memory-inbox') ? 'memory' : 'disk',
  };
  const r = await runWebhookBench(opts);
  const out = [
    `webhook burst: ${opts.deliveries} deliveries for ${opts.pulls} PRs, ${opts.inFlight} in flight, ${opts.rounds} rounds per server taken in turns, fake GitHub on 127.0.0.1 answering in ${opts.latencyMs} ms; deliveries recorded ${opts.inbox === 'memory' ? 'in memory only' : 'on disk (fsync)'} before the answer`,
    line('bare server', r.bare),
    line('TFactory App', r.app),
    `p99 ratio App / bare: ${r.ratioP99.toFixed(2)}× (target ≤ 1.5×); per round (bare/App): ${r.roundP99.map((x) => `${x.bare.toFixed(0)}/${x.app.toFixed(0)} ms`).join(', ')}`,
    `work after the answers: ${(r.workMs / 1000).toFixed(1)} s; runs recorded: ${r.runs}; PRs left without a run: ${r.pullsWithoutRun} of ${opts.pulls}`,
    `RSS: ${r.rssMb.before} MB before the bursts, ${r.rssMb.after} MB after; five 30 MB deliveries answered ${r.oversizedStatuses.join(', ')}, RSS then ${r.rssMb.afterOversized} MB (the bench's own 30 MB string included)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench:webhooks failed: ${err instanceof Error ? err.message : String(err)}\nfix: run \`npm run build\` first; the fake GitHub and both servers listen on 127.0.0.1\n`);
      process.exit(1);
    },
  );
}
