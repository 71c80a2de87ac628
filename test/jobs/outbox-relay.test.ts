import assert from 'node:assert/strict';
import { OutboxRelay } from '../../src/jobs/outbox-relay.js';
import { jobOptions, openQueues, redisConnection, type QueueName } from '../../src/jobs/queues.js';
import { writeOutbox } from '../../src/storage/outbox.js';
import { testBusiness } from '../support/business-fixture.js';
import { jobHarness, TEST_REDIS, type JobHarness } from './job-harness.js';
import type { Queue } from 'bullmq';

const business = testBusiness();

describe('OutboxRelay', () => {
  let j: JobHarness;
  let queues: Map<QueueName, Queue>;
  let relay: OutboxRelay;
  beforeEach(async () => {
    j = await jobHarness(business, new Date());
    queues = openQueues({ connection: redisConnection(TEST_REDIS), prefix: j.prefix });
    relay = new OutboxRelay({ dataSource: j.h.db.dataSource, queues, logger: j.logger, jobOptions: jobOptions(), leaseMs: 1000 });
  });
  afterEach(async () => {
    for (const queue of queues.values()) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await j.close();
  });

  const add = (dedupeKey: string, kind = 'sms', payload: Record<string, unknown> = {}) =>
    j.h.db.dataSource.transaction((manager) => writeOutbox(manager, { businessId: business.id, kind, dedupeKey, payload }));
  const rows = () =>
    j.h.db.dataSource.query(`SELECT id, dedupe_key, status FROM outbox ORDER BY dedupe_key`) as Promise<
      { id: string; dedupe_key: string; status: string }[]
    >;

  it('moves due rows once, with the outbox id as job id, and leaves future and unknown kinds alone', async () => {
    await add('a');
    await add('b', 'email');
    await add('later', 'sms');
    await j.h.db.dataSource.query(`UPDATE outbox SET available_at = now() + interval '1 hour' WHERE dedupe_key = 'later'`);
    await add('mystery', 'not-a-queue');
    assert.equal(await relay.runOnce(), 2);
    assert.equal(await relay.runOnce(), 0);
    const byKey = Object.fromEntries((await rows()).map((row) => [row.dedupe_key, row]));
    assert.deepEqual(
      Object.fromEntries(Object.entries(byKey).map(([key, row]) => [key, row.status])),
      { a: 'queued', b: 'queued', later: 'pending', mystery: 'pending' },
    );
    assert.ok(await queues.get('sms')!.getJob(byKey.a!.id));
    assert.ok(await queues.get('email')!.getJob(byKey.b!.id));
    assert.equal(await queues.get('sms')!.count(), 1);
  });

  it('adding a row again (a crash before its status was saved) keeps one job', async () => {
    await add('a');
    await relay.runOnce();
    await j.h.db.dataSource.query(`UPDATE outbox SET status = 'pending'`);
    assert.equal(await relay.runOnce(), 1);
    assert.equal(await queues.get('sms')!.count(), 1);
  });

  it('re-enqueues rows in flight past their lease, but not reminders still waiting for their time', async () => {
    await add('stuck');
    await add('reminder', 'reminder', { start: '2030-01-02T10:00:00Z', sendAt: '2030-01-01T10:00:00Z' });
    await j.h.db.dataSource.query(`UPDATE outbox SET status = 'queued', updated_at = now() - interval '1 hour'`);
    assert.equal(await relay.runOnce(), 1);
    const [stuck] = (await rows()).filter((row) => row.dedupe_key === 'stuck');
    assert.ok(await queues.get('sms')!.getJob(stuck!.id));
    assert.equal(await queues.get('reminders')!.count(), 0);
  });
});
