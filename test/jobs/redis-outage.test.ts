import assert from 'node:assert/strict';
import { bookAppointment } from '../../src/scheduling/booking-service.js';
import { createLogger } from '../../src/observability/logger.js';
import { testBusiness } from '../support/business-fixture.js';
import { LogCapture } from '../support/log-capture.js';
import { nextPhone } from '../support/scheduling.js';
import { eventually, jobHarness, outboxSettled, type JobHarness } from './job-harness.js';
import { startTcpSwitch, type TcpSwitch } from './tcp-switch.js';

const business = testBusiness();
const now = new Date('2026-03-01T13:00:00Z');
const starts = ['2026-03-02T15:00:00Z', '2026-03-02T16:00:00Z', '2026-03-02T18:00:00Z'].map((iso) => new Date(iso));

describe('Redis unreachable', () => {
  let j: JobHarness;
  let redis: TcpSwitch;
  beforeEach(async () => {
    j = await jobHarness(business, now);
    redis = await startTcpSwitch({ host: '127.0.0.1', port: 6379 }, false);
  });
  afterEach(async () => {
    await redis.restore();
    await j.close();
    await redis.close();
  });

  it('outbox rows wait in Postgres while Redis is away, then each is delivered once', async () => {
    const capture = new LogCapture();
    await j.start({ redisUrl: `redis://127.0.0.1:${redis.port}`, logger: createLogger({ level: 'warn', destination: capture }) });
    const phones = starts.map(() => nextPhone());
    for (const [index, start] of starts.entries()) {
      await bookAppointment(j.h.context, {
        businessId: business.id, serviceId: 'cut', staffId: 'anna', start, customer: { phone: phones[index] }, channel: 'sms',
      });
    }
    // Not LogCapture.waitFor: its 2 s limit is about the relay's enqueue timeout, too tight under load.
    await eventually(async () =>
      capture.records().some((record) => record.msg === 'outbox relay pass failed; rows wait in Postgres and the relay retries'),
    );
    const waiting: { status: string }[] = await j.h.db.dataSource.query(`SELECT DISTINCT status FROM outbox`);
    assert.deepEqual(waiting, [{ status: 'pending' }]);
    assert.equal(j.twilio.messages.length, 0);

    await redis.restore();
    await eventually(async () => (await outboxSettled(j)) && j.twilio.messages.length >= 3);
    assert.deepEqual(j.twilio.messages.map((message) => message.to).sort(), [...phones].sort());
  });
});
