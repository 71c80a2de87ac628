import assert from 'node:assert/strict';
import { writeOutbox } from '../../src/storage/outbox.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone } from '../support/scheduling.js';
import { eventually, jobHarness, type JobHarness } from './job-harness.js';

const business = testBusiness();

describe('text delivery workers (real Twilio SDK, fake REST)', () => {
  let j: JobHarness;
  beforeEach(async () => {
    j = await jobHarness(business, new Date());
  });
  afterEach(() => j.close());

  async function queueText(phone: string, body = 'Hello'): Promise<string> {
    await j.h.db.dataSource.query(`INSERT INTO customers (business_id, phone) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      business.id,
      phone,
    ]);
    const dedupeKey = `test:${phone}:${body}`;
    await j.h.db.dataSource.transaction((manager) =>
      writeOutbox(manager, { businessId: business.id, kind: 'sms', dedupeKey, payload: { to: phone, from: '+12125550100', body } }),
    );
    const [row] = await j.h.db.dataSource.query(`SELECT id FROM outbox WHERE dedupe_key = $1`, [dedupeKey]);
    return row.id;
  }

  const row = (id: string) =>
    j.h.db.dataSource.query(`SELECT status, provider_id, last_error, attempts FROM outbox WHERE id = $1`, [id]).then((rows) => rows[0]);
  const finished = (id: string) => eventually(async () => {
    const current = await row(id);
    return ['sent', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
  });

  it('21610 marks the customer opted out and ends the row without a retry', async () => {
    await j.start();
    const phone = nextPhone();
    j.twilio.failNext({ fault: { kind: 'error', code: 21610 } });
    const id = await queueText(phone);
    const done = await finished(id);
    assert.equal(done.status, 'failed');
    assert.match(done.last_error, /RecipientOptedOutError/);
    assert.equal(done.attempts, 1);
    const [customer] = await j.h.db.dataSource.query(`SELECT opted_out_at FROM customers WHERE phone = $1`, [phone]);
    assert.ok(customer.opted_out_at);

    // Later texts to the number are not even attempted.
    const later = await queueText(phone, 'Later');
    assert.equal((await finished(later)).status, 'cancelled');
    assert.equal(j.twilio.requests.filter((request) => request.method === 'POST').length, 1);
    await eventually(async () => {
      const text = await j.metrics.registry.getSingleMetricAsString('frontdesk_jobs_total');
      return /queue="sms",result="unrecoverable"} 2/.test(text) ? text : undefined;
    });
    assert.match(await j.metrics.registry.getSingleMetricAsString('frontdesk_messages_sent_total'), /channel="sms",result="skipped"} 1/);
  });

  it('an invalid number fails for good; a 500 is retried and sent once', async () => {
    await j.start();
    j.twilio.failNext({ fault: { kind: 'error', code: 21211 } });
    const invalid = await queueText(nextPhone());
    assert.equal((await finished(invalid)).status, 'failed');

    j.twilio.failNext({ fault: { kind: 'server-error' } });
    const flaky = await queueText(nextPhone());
    const done = await finished(flaky);
    assert.equal(done.status, 'sent');
    assert.equal(done.attempts, 2);
    assert.equal(j.twilio.messages.length, 1);
    assert.equal(done.provider_id, j.twilio.messages[0]!.sid);
  });

  it('an attempt that timed out after Twilio accepted it is found on the next attempt, not sent again', async () => {
    await j.start();
    j.twilio.failNext({ fault: { kind: 'hang-after-accept' } });
    const id = await queueText(nextPhone());
    const done = await finished(id);
    assert.equal(done.status, 'sent');
    assert.equal(j.twilio.messages.length, 1);
    assert.equal(done.provider_id, j.twilio.messages[0]!.sid);
    assert.ok(j.twilio.requests.some((request) => request.method === 'GET'), 'the second attempt asked Twilio first');
  });

  it('when Twilio cannot say whether an earlier attempt went through, the next attempt asks again instead of sending', async () => {
    await j.start();
    j.twilio.failNext({ on: 'messages', fault: { kind: 'hang-after-accept' } });
    j.twilio.failNext({ on: 'list', fault: { kind: 'server-error' } });
    const id = await queueText(nextPhone());
    const done = await finished(id);
    assert.equal(done.status, 'sent');
    assert.equal(j.twilio.messages.length, 1);
    assert.equal(j.twilio.requests.filter((request) => request.method === 'GET').length, 2);
  });

  it('an attempt that timed out before Twilio accepted it is sent on the next attempt', async () => {
    await j.start();
    j.twilio.failNext({ fault: { kind: 'hang' } });
    const id = await queueText(nextPhone());
    assert.equal((await finished(id)).status, 'sent');
    assert.equal(j.twilio.messages.length, 1);
  });
});
