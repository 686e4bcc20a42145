import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createBullmqQueue } from '../../src/runs/queue/bullmq-queue.js';
import { createInProcessQueue } from '../../src/runs/queue/in-process-queue.js';
import { requireRedis, TEST_REDIS_URL } from '../helpers/services.js';
import { describeRunQueueContract } from './queue-contract.js';

const hasRedis = requireRedis();
const names: string[] = [];

afterAll(async () => {
  if (!hasRedis) return;
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  for (const name of names) {
    const q = new Queue(name, { connection });
    await q.obliterate({ force: true });
    await q.close();
  }
  await connection.quit();
});

describeRunQueueContract('in-process', async (retry) => createInProcessQueue(retry));
describeRunQueueContract('BullMQ on Redis', async (retry) => {
  const name = `tf-test-${randomUUID()}`;
  names.push(name);
  return createBullmqQueue({ url: TEST_REDIS_URL, name, retry, lockMs: 5000 });
}, { skip: !hasRedis });
