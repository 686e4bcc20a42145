import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryInbox } from '../../src/github/delivery-inbox.js';
import { createTestApp, examplePayload, github, mockInstallationToken, mockPermission, mockRepoConfig, sentRequests, useGithubMocks } from './harness.js';

useGithubMocks();

/**
 * Webhooks are answered once the delivery is recorded: the signature is verified by Probot's
 * middleware first, then the delivery is written to the inbox and the handler returns; the config,
 * permission check, run and check run come after the answer.
 */

const OWNER = 'Codertocat';
const REPO = 'Hello-World';

function labeledPayload() {
  const payload = examplePayload('pull_request', 'labeled');
  payload.label.name = 'tfactory';
  payload.pull_request.labels = [{ ...payload.label }];
  return payload;
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
/** Deliveries the journal shows accepted and not done (read without touching it). */
function journalPending(dir: string): string[] {
  const pending = new Set<string>();
  for (const line of readFileSync(join(dir, 'inbox.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as { op: string; id?: string; delivery?: { id: string } };
    if (e.op === 'accept' && e.delivery) pending.add(e.delivery.id);
    else if (e.op === 'done' && e.id) pending.delete(e.id);
  }
  return [...pending];
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tfactory-inbox-'));
  dirs.push(d);
  return d;
}

describe('fast webhook answers', () => {
  it('answers before any GitHub request, with the delivery on disk; the work follows and removes it', async () => {
    const inboxDir = tempDir();
    const { probot, runs, runtime } = await createTestApp({ inboxDir });
    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 90 });

    await probot.receive({ id: 'fast-1', name: 'pull_request', payload: labeledPayload() } as never);
    // Answered: the delivery is recorded, nothing has reached GitHub and no run exists yet.
    expect(journalPending(inboxDir)).toEqual(['fast-1']);
    expect(runs.runs).toHaveLength(0);
    expect(sentRequests().filter((r) => !r.path.includes('access_tokens'))).toEqual([]);

    await runtime.settled();
    expect(runs.runs).toHaveLength(1);
    expect(sentRequests().some((r) => r.method === 'POST' && r.path.endsWith('/check-runs'))).toBe(true);
    expect(journalPending(inboxDir)).toEqual([]);
  });

  it('handles after a restart a delivery that was answered but not worked on', async () => {
    const inboxDir = tempDir();
    // The process that answered crashed before the work: only its record is left.
    await new DeliveryInbox(inboxDir).accept({ id: 'crashed-1', name: 'pull_request', payload: labeledPayload() });
    expect(journalPending(inboxDir)).toEqual(['crashed-1']);

    const scope = github();
    mockInstallationToken(scope);
    mockRepoConfig(scope, OWNER, REPO, null);
    mockPermission(scope, OWNER, REPO, 'Codertocat', 'write');
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`).reply(201, { id: 91 });
    const { probot, runs, runtime } = await createTestApp({ inboxDir });
    await runtime.settled();

    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]!.request.idempotencyKey).toBe('github:crashed-1:pull_request.labeled');
    expect(journalPending(inboxDir)).toEqual([]);
    // GitHub redelivers it: nothing happens twice.
    await probot.receive({ id: 'crashed-1', name: 'pull_request', payload: labeledPayload() } as never);
    await runtime.settled();
    expect(runs.runs).toHaveLength(1);
  });

  it('the inbox is idempotent by delivery id, keeps what is not done across a restart, and skips a line cut by a crash', async () => {
    const dir = tempDir();
    const inbox = new DeliveryInbox(dir);
    expect(await inbox.accept({ id: 'a-1', name: 'x', payload: { n: 1 } })).toBe(true);
    expect(await inbox.accept({ id: 'a-1', name: 'x', payload: { n: 1 } })).toBe(false);
    expect(await inbox.accept({ id: 'a-2', name: 'x', payload: { n: 2 } })).toBe(true);
    await inbox.done('a-1');
    await inbox.close();
    appendFileSync(join(dir, 'inbox.jsonl'), '{"op":"accept","delivery":{"id":"torn"');

    const restarted = new DeliveryInbox(dir);
    expect(restarted.pending()).toEqual([{ id: 'a-2', name: 'x', payload: { n: 2 } }]);
    // Compacted at start: only what is still to handle is left.
    expect(readFileSync(join(dir, 'inbox.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(await restarted.accept({ id: 'a-2', name: 'x', payload: {} })).toBe(false);
    await restarted.close();
  });

  it('keeps the journal the size of the work in progress: compacted after 8 MB of appends, pending deliveries kept', async () => {
    const dir = tempDir();
    const inbox = new DeliveryInbox(dir);
    const big = 'x'.repeat(1024 * 1024);
    await inbox.accept({ id: 'keep', name: 'x', payload: { big: 'small' } });
    for (let i = 0; i < 20; i++) {
      await inbox.accept({ id: `big-${i}`, name: 'x', payload: { big } });
      await inbox.done(`big-${i}`);
    }
    await inbox.close();
    expect(statSync(join(dir, 'inbox.jsonl')).size).toBeLessThan(10 * 1024 * 1024);
    expect(new DeliveryInbox(dir).pending().map((d) => d.id)).toEqual(['keep']);
  });
});
