import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake GitHub (Enterprise Server) on 127.0.0.1: the REST calls the App makes, under `/api/v3`,
 * with state (check runs with their history, comments, pulls), and anything else (git smart HTTP)
 * handed to `fallback`. Used by `npm run bench:webhooks` and by the GHES end-to-end test, which
 * also validates every request body through `onRequest`.
 */

export interface FakeRequest {
  method: string;
  /** The path under the REST base, e.g. `/repos/o/r/check-runs` (query string kept). */
  path: string;
  body: string;
  authorization: string | undefined;
}

export interface FakeCheckRun {
  id: number;
  head_sha: string;
  name: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  /** Every body received for this check run (create, then each update), in order. */
  history: Array<Record<string, unknown>>;
}

export interface FakeComment {
  id: number;
  issue: string;
  body: string;
  history: string[];
}

export interface FakePull {
  number: number;
  maintainer_can_modify: boolean;
  head: { ref: string; sha: string; repo: { full_name: string; default_branch: string; clone_url: string } | null };
  base: { ref: string; sha: string; repo: { full_name: string; default_branch: string; clone_url: string } };
}

export interface FakeGithubOptions {
  /** The installation token handed out by `POST /app/installations/:id/access_tokens`. */
  token: string;
  /** `.github/tfactory.yml` of a repository (`owner/repo`), or absent. */
  configs?: Record<string, string>;
  /** Permission of a user on a repository: `owner/repo:user` → level; default `write`. */
  permissions?: Record<string, string>;
  /** Pull requests by `owner/repo#number`. */
  pulls?: Record<string, FakePull>;
  /** Delay of every REST answer (a GitHub round trip), default 0. */
  latencyMs?: number;
  onRequest?: (req: FakeRequest) => void;
  /** Requests outside `/api/v3` (git over HTTP); default 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
}

export interface FakeGithub {
  /** `http://127.0.0.1:<port>`: the GHES host (`GHE_HOST=127.0.0.1:<port>`, `GHE_PROTOCOL=http`). */
  origin: string;
  /** `<origin>/api/v3`. */
  apiBase: string;
  host: string;
  /** Pull requests by `owner/repo#number` (from the options; a test may add some once it knows `origin`). */
  pulls: Record<string, FakePull>;
  requests: FakeRequest[];
  checkRuns: FakeCheckRun[];
  comments: FakeComment[];
  /** Requests no route answered (`METHOD path`). */
  unhandled: string[];
  /** REST requests without the installation token (or, for the token exchange, without a JWT). */
  unauthenticated: string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };

export async function startFakeGithub(opts: FakeGithubOptions): Promise<FakeGithub> {
  const requests: FakeRequest[] = [];
  const checkRuns: FakeCheckRun[] = [];
  const comments: FakeComment[] = [];
  const unhandled: string[] = [];
  const unauthenticated: string[] = [];
  const pulls: Record<string, FakePull> = { ...opts.pulls };
  let nextId = 1000;
  let origin = '';

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: { login: 'tfactory[bot]', type: 'Bot' },
    html_url: `${origin}/${c.issue.replace('#', '/pull/')}#issuecomment-${c.id}`,
  });
  const checkJson = (c: FakeCheckRun) => ({ id: c.id, name: c.name, head_sha: c.head_sha, external_id: c.external_id, status: c.status, conclusion: c.conclusion, output: c.output });

  async function rest(method: string, path: string, body: string, res: ServerResponse): Promise<void> {
    const pathname = path.split('?')[0] ?? path;
    const json = (): Record<string, unknown> => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(pathname))) {
      return send(res, 201, { token: opts.token, expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' });
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(pathname))) {
      const config = decodeURIComponent(m[3] ?? '') === '.github/tfactory.yml' ? opts.configs?.[`${m[1]}/${m[2]}`] : undefined;
      if (config === undefined) return send(res, 404, NOT_FOUND);
      return send(res, 200, config, 'application/vnd.github.raw+json; charset=utf-8');
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/.exec(pathname))) {
      const level = opts.permissions?.[`${m[1]}/${m[2]}:${m[3]}`] ?? 'write';
      return send(res, 200, { permission: level, role_name: level, user: { login: m[3] } });
    }
    if (method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(pathname))) {
      const b = json();
      const run: FakeCheckRun = {
        id: ++nextId,
        head_sha: String(b.head_sha),
        name: String(b.name),
        external_id: typeof b.external_id === 'string' ? b.external_id : null,
        status: typeof b.status === 'string' ? b.status : 'queued',
        conclusion: typeof b.conclusion === 'string' ? b.conclusion : null,
        output: (b.output as FakeCheckRun['output']) ?? {},
        history: [b],
      };
      checkRuns.push(run);
      return send(res, 201, checkJson(run));
    }
    if (method === 'PATCH' && (m = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(pathname))) {
      const run = checkRuns.find((c) => c.id === Number(m?.[3]));
      if (!run) return send(res, 404, NOT_FOUND);
      const b = json();
      run.history.push(b);
      // GitHub re-opens a completed check run when told so: the fake does the same, so a test sees it.
      if (typeof b.status === 'string') run.status = b.status;
      if (typeof b.conclusion === 'string') {
        run.conclusion = b.conclusion;
        run.status = 'completed';
      } else if (b.status !== undefined && b.status !== 'completed') run.conclusion = null;
      if (b.output) run.output = { ...run.output, ...(b.output as FakeCheckRun['output']) };
      return send(res, 200, checkJson(run));
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/.exec(pathname))) {
      const found = checkRuns.filter((c) => c.head_sha === m?.[3]);
      return send(res, 200, { total_count: found.length, check_runs: found.map(checkJson) });
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(pathname))) {
      const pull = pulls[`${m[1]}/${m[2]}#${m[3]}`];
      return pull ? send(res, 200, pull) : send(res, 404, NOT_FOUND);
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(pathname))) {
      const issue = `${m[1]}/${m[2]}#${m[3]}`;
      return send(res, 200, comments.filter((c) => c.issue === issue).map(commentJson));
    }
    if (method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(pathname))) {
      const text = String(json().body ?? '');
      const comment: FakeComment = { id: ++nextId, issue: `${m[1]}/${m[2]}#${m[3]}`, body: text, history: [text] };
      comments.push(comment);
      return send(res, 201, commentJson(comment));
    }
    if (method === 'PATCH' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(pathname))) {
      const comment = comments.find((c) => c.id === Number(m?.[3]));
      if (!comment) return send(res, 404, NOT_FOUND);
      comment.body = String(json().body ?? '');
      comment.history.push(comment.body);
      return send(res, 200, commentJson(comment));
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+\/reactions$/.test(pathname)) {
      return send(res, 201, { id: ++nextId, content: String(json().content ?? '') });
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/git\/commits\/([0-9a-f]+)$/.exec(pathname))) {
      return send(res, 200, { sha: m[3], message: 'a commit' });
    }
    unhandled.push(`${method} ${path}`);
    return send(res, 404, NOT_FOUND);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/api/v3/')) {
      if (opts.fallback) return opts.fallback(req, res, url);
      unhandled.push(`${req.method ?? 'GET'} ${url.pathname}`);
      return send(res, 404, NOT_FOUND);
    }
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const path = `${url.pathname.slice('/api/v3'.length)}${url.search}`;
      const record: FakeRequest = { method, path, body, authorization: req.headers.authorization };
      requests.push(record);
      const auth = req.headers.authorization ?? '';
      const tokenCall = /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname.slice('/api/v3'.length));
      if (tokenCall ? !/^bearer\s+\S+\.\S+\.\S+$/i.test(auth) : auth !== `token ${opts.token}`) unauthenticated.push(`${method} ${path}`);
      opts.onRequest?.(record);
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      await rest(method, path, body, res);
    })().catch((err: unknown) => send(res, 500, { message: String(err) }));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    apiBase: `${origin}/api/v3`,
    host: `127.0.0.1:${port}`,
    pulls,
    requests,
    checkRuns,
    comments,
    unhandled,
    unauthenticated,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
