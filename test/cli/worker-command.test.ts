import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/worker.js';
import type { CliIo } from '../../src/cli/io.js';
import { isTfError } from '../../src/errors.js';
import { createBullmqQueue, obliterateBullmqQueue } from '../../src/runs/queue/bullmq-queue.js';
import { requireRedis, TEST_REDIS_URL } from '../helpers/services.js';

const hasRedis = requireRedis();
const thrown = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (err: unknown) => err);
const queueName = `tf-test-${randomUUID()}`;

function io(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env, cwd: process.cwd(), isTty: false };
}

afterAll(async () => {
  if (hasRedis) await obliterateBullmqQueue(TEST_REDIS_URL, queueName);
});

describe('tfactory worker', () => {
  it('without REDIS_URL: CONFIG_INVALID naming it and what to do', async () => {
    const err = await thrown(run([], io({ TFACTORY_DB: ':memory:' })));
    expect(isTfError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('REDIS_URL is not set');
  });

  it('--concurrency must be a whole number', async () => {
    expect(isTfError(await thrown(run(['--concurrency', 'lots'], io({ REDIS_URL: TEST_REDIS_URL }))), 'USAGE')).toBe(true);
  });

  it.skipIf(!hasRedis)('--status prints the queue\'s counts and its dead letters (--json: one object)', async () => {
    const queue = createBullmqQueue({ url: TEST_REDIS_URL, name: queueName, retry: { attempts: 1, backoffMs: 10 } });
    await queue.enqueue('run-dead');
    await new Promise<void>((resolve) => {
      void queue.consume(async () => {
        throw new Error('store unreachable');
      }, { concurrency: 1, onDeadLetter: () => resolve() });
    });
    await queue.close();
    const producer = createBullmqQueue({ url: TEST_REDIS_URL, name: queueName });
    await producer.enqueue('run-waiting'); // no worker: it stays waiting
    await producer.close();

    const env: NodeJS.ProcessEnv = { REDIS_URL: TEST_REDIS_URL, TFACTORY_QUEUE: queueName, TFACTORY_DB: ':memory:', LOG_LEVEL: 'silent' };
    const text = io(env);
    expect(await run(['--status'], text)).toBe(0);
    expect(text.out.join('')).toMatch(/^queue \(bullmq\): 1 waiting, 0 running, 0 waiting to retry, 1 dead-lettered\n {2}dead letter: run run-dead after 1 attempts at .+: store unreachable\n$/);
    const json = io(env);
    expect(await run(['--status', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out.join(''))).toMatchObject({ kind: 'bullmq', counts: { waiting: 1, failed: 1 }, deadLetters: [{ runId: 'run-dead', attempts: 1 }] });
  });
});
