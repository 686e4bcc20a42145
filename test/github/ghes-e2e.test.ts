import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Probot, ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { createTfactoryApp } from '../../src/index.js';
import { REPORT_MARKER } from '../../src/github/pr-comment.js';
import { silentLogger } from '../../src/logger.js';
import type { Run } from '../../src/runs/types.js';
import type { Services } from '../../src/wiring/create-services.js';
import { createRemote, filesContaining, git } from '../fakes/repos.js';
import { requireDocker } from '../helpers/docker.js';
import { GOOD_TESTS, shopRemote, SPEC_ID } from '../integration/github-e2e-repo.js';
import { listen, postDelivery, startFakeGhes, type FakeGhes } from './fake-github/ghes.js';

/**
 * GitHub Enterprise Server end to end, with no nock: a fake GHES on 127.0.0.1 serves the REST API
 * under `/api/v3` (every request body validated against @octokit/openapi) and git over smart HTTP
 * (`git http-backend`). Probot is given the GHES REST base (as `GHE_HOST`/`GHE_PROTOCOL` make it);
 * the App derives the git host from it and uses the API's clone URLs. A signed `pull_request.labeled`
 * delivery goes through Probot's real webhook middleware; the worker runs the whole pipeline with the
 * recorded model (fixtures/llm/github-e2e-transcript.json) and the real Docker sandbox.
 */

const OWNER = 'octo-shop';
const REPO = 'shop';
const PULL = 7;
const APP_ID = 2;
const SECRET = 'ghes-webhook-secret';
const TOKEN = 'ghs_GHESTOKEN0123456789abcdefghijklmnopqr';
const TRANSCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'llm', 'github-e2e-transcript.json');

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

// Not through ./harness.js: that loads nock, whose http wrapper breaks the sandbox's hijacked exec streams.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- example payloads are edited freely
function examplePayload(event: string, action: string): any {
  const all = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<{ action?: string }> }>;
  return structuredClone(all.find((e) => e.name === event)?.examples.find((e) => e.action === action));
}

function repoJson(origin: string) {
  return { full_name: `${OWNER}/${REPO}`, default_branch: 'main', clone_url: `${origin}/${OWNER}/${REPO}.git` };
}

function labeledPayload(origin: string, headSha: string, baseSha: string) {
  const payload = examplePayload('pull_request', 'labeled');
  Object.assign(payload.repository, { name: REPO, ...repoJson(origin) });
  payload.repository.owner.login = OWNER;
  payload.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  Object.assign(payload.sender, { login: 'maintainer', type: 'User' });
  payload.label.name = 'tfactory';
  const pr = payload.pull_request;
  pr.number = PULL;
  pr.body = 'Shipping is priced by weight now.';
  pr.labels = [{ ...payload.label }];
  Object.assign(pr.head, { ref: 'feature', sha: headSha, label: `${OWNER}:feature` });
  Object.assign(pr.head.repo, { name: REPO, ...repoJson(origin) });
  Object.assign(pr.base, { ref: 'main', sha: baseSha, label: `${OWNER}:main` });
  Object.assign(pr.base.repo, { name: REPO, ...repoJson(origin) });
  return payload;
}

async function eventually(condition: () => boolean, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!condition()) throw new Error(`gave up waiting for ${what}`);
}

function waitForEnd(services: Services): Promise<Run> {
  return new Promise((resolve) => {
    const stop = services.service.subscribe((e) => {
      if (e.type === 'finished') {
        stop();
        resolve(e.run);
      }
    });
  });
}

const hasDocker = requireDocker();

describe.skipIf(!hasDocker)('GitHub Enterprise Server end to end (fake GHES on 127.0.0.1)', () => {
  it('label a PR → one push of the test files only, one sticky comment, one check run completed success', async () => {
    const fx = createRemote(OWNER, REPO, PULL, shopRemote());
    let services: Services | undefined;
    let ghes: FakeGhes | undefined;
    let hook: { url: string; close(): Promise<void> } | undefined;
    try {
      const gh = await startFakeGhes(join(fx.root, 'remotes'), {
        token: TOKEN,
        configs: { [`${OWNER}/${REPO}`]: 'stabilityRuns: 2\nmaxTests: 6\n' },
        permissions: { [`${OWNER}/${REPO}:maintainer`]: 'write' },
      });
      ghes = gh;
      // The pull as the REST API returns it (clone URLs on the GHES host).
      gh.pulls[`${OWNER}/${REPO}#${PULL}`] = {
        number: PULL,
        maintainer_can_modify: false,
        head: { ref: 'feature', sha: fx.headSha, repo: repoJson(gh.origin) },
        base: { ref: 'main', sha: fx.baseSha, repo: repoJson(gh.origin) },
      };
      mkdirSync(join(fx.root, 'workspaces'));
      const probot = new Probot({
        appId: APP_ID,
        privateKey,
        secret: SECRET,
        baseUrl: gh.apiBase,
        log: silentLogger(),
        Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
      });
      await probot.load(
        createTfactoryApp({
          env: {
            ...process.env,
            TFACTORY_DB: join(fx.root, 'runs.db'),
            TFACTORY_LLM: `replay:${TRANSCRIPT}`,
            TFACTORY_WORKSPACE_ROOT: join(fx.root, 'workspaces'),
            TFACTORY_CONCURRENCY: '1',
            LOG_LEVEL: 'silent',
          },
          cwd: fx.root,
          log: silentLogger(),
          appId: APP_ID,
          workRoot: fx.workRoot,
          // Every progress update is sent at once: a late one after completion would show.
          progressIntervalMs: 0,
          onServices: (s) => {
            services = s;
          },
        }),
      );
      if (!services) throw new Error('the app did not build its services');
      const rt: Services = services;
      const ended = waitForEnd(rt);
      const server = await listen(await probot.getNodeMiddleware());
      hook = server;

      const answer = await postDelivery(server.url, SECRET, 'pull_request', 'ghes-delivery-1', labeledPayload(gh.origin, fx.headSha, fx.baseSha));
      expect(answer.status).toBe(200);

      const run = await ended;
      await rt.service.idle();
      expect(run.error, JSON.stringify(run.error)).toBeUndefined();
      expect(run.status).toBe('succeeded');
      await eventually(() => gh.checkRuns[0]?.status === 'completed', 'the check run to complete');
      // Late progress updates would arrive after this; give them the chance.
      await new Promise((r) => setTimeout(r, 300));

      // Exactly one push, of the test files only, on top of the PR head.
      expect(gh.pushes).toEqual([`/${OWNER}/${REPO}.git/git-receive-pack`]);
      expect(git(fx.bare, 'rev-parse', 'feature~1')).toBe(fx.headSha);
      const files = git(fx.bare, 'show', '--name-only', '--format=', 'feature').split('\n').sort();
      expect(files.every((f) => f.startsWith('tests/'))).toBe(true);
      expect(files.map((f) => git(fx.bare, 'show', `feature:${f}`) + '\n').sort()).toEqual(Object.values(GOOD_TESTS).sort());
      expect(git(fx.bare, 'rev-parse', 'main')).toBe(fx.baseSha);

      // One sticky comment with the report and where the tests went.
      expect(gh.comments).toHaveLength(1);
      const comment = gh.comments[0]!;
      expect(comment.body.startsWith(REPORT_MARKER)).toBe(true);
      expect(comment.body).toContain(SPEC_ID);
      expect(comment.body).toContain('Committed the tests to `feature`');

      // One check run, completed success, never touched after its completion.
      expect(gh.checkRuns).toHaveLength(1);
      const check = gh.checkRuns[0]!;
      expect(check).toMatchObject({ external_id: run.id, head_sha: fx.headSha, status: 'completed', conclusion: 'success' });
      const completedAt = check.history.findIndex((b) => b.status === 'completed');
      expect(completedAt).toBe(check.history.length - 1);
      expect(check.history[0]).toMatchObject({ status: 'queued' });

      // Every REST call was known, valid and authenticated; git always carried the token; nothing for github.com.
      expect(gh.invalid).toEqual([]);
      expect(gh.unhandled).toEqual([]);
      expect(gh.unauthenticated).toEqual([]);
      expect(gh.gitUnauthenticated).toEqual([]);
      expect(filesContaining(fx.root, [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64')])).toEqual([]);
    } finally {
      await hook?.close();
      await services?.close();
      await ghes?.close();
      fx.cleanup();
    }
  }, 300_000);
});
