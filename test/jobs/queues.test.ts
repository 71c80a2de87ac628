import assert from 'node:assert/strict';
import type { MinimalJob } from 'bullmq';
import { cappedBackoff, jobIdFor, jobOptions, queuePrefixFor, redisConnection } from '../../src/jobs/queues.js';

describe('queue settings', () => {
  it('backoff doubles from the job delay up to the ceiling, with jitter in the upper half', () => {
    const job = { opts: jobOptions({ backoffMs: 100 }) } as unknown as MinimalJob;
    const backoff = cappedBackoff(1000);
    for (const [attemptsMade, ceiling] of [[1, 100], [2, 200], [4, 800], [5, 1000], [30, 1000]] as const) {
      for (let sample = 0; sample < 50; sample += 1) {
        const delay = backoff(attemptsMade, 'capped-exponential', undefined, job) as number;
        assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attemptsMade}: ${delay} outside [${ceiling / 2}, ${ceiling}]`);
      }
    }
  });

  it('job ids: the outbox id, or booking and start for reminders (no colon, which BullMQ refuses)', () => {
    const row = { id: 'f0e1', kind: 'sms', bookingId: 'b1', payload: {} };
    assert.equal(jobIdFor(row), 'f0e1');
    const reminder = { ...row, kind: 'reminder', payload: { start: '2026-03-02T15:00:00.000Z' } };
    assert.equal(jobIdFor(reminder), `reminder-b1-${Date.parse('2026-03-02T15:00:00Z')}`);
  });

  it('a queue prefix per database, and connection options from REDIS_URL', () => {
    assert.equal(queuePrefixFor('postgres://postgres@127.0.0.1:5432/frontdesk'), 'frontdesk');
    assert.equal(queuePrefixFor('postgres://postgres@127.0.0.1:5432/frontdesk_test_ab12'), 'frontdesk-frontdesk_test_ab12');
    const options = redisConnection('rediss://user:p%40ss@redis.example:6380/2') as Record<string, unknown>;
    assert.deepEqual(
      { host: options.host, port: options.port, username: options.username, password: options.password, db: options.db, tls: options.tls },
      { host: 'redis.example', port: 6380, username: 'user', password: 'p@ss', db: 2, tls: {} },
    );
  });
});
