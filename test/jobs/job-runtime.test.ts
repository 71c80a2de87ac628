import assert from 'node:assert/strict';
import { bookAppointment } from '../../src/scheduling/booking-service.js';
import { writeOutbox } from '../../src/storage/outbox.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone } from '../support/scheduling.js';
import { eventually, jobHarness, outboxSettled, type JobHarness } from './job-harness.js';

const TEMPLATE = 'HX7637a782752c936e7ec3c66365bee517';
const business = testBusiness((draft) => {
  draft.messaging = { whatsappFrom: '+12125550102', whatsappTemplates: { confirmation: TEMPLATE } };
});
const now = new Date('2026-03-01T13:00:00Z');
const MONDAY_10 = new Date('2026-03-02T15:00:00Z');

describe('the job runtime', () => {
  let j: JobHarness;
  beforeEach(async () => {
    j = await jobHarness(business, now);
  });
  afterEach(() => j.close());

  const status = (id: string) =>
    j.h.db.dataSource.query(`SELECT status FROM outbox WHERE id = $1`, [id]).then((rows) => rows[0].status as string);

  it('stop() lets a send in flight finish and record its MessageSid', async () => {
    const runtime = await j.start();
    j.twilio.latencyMs = 300;
    await j.h.db.dataSource.transaction((manager) =>
      writeOutbox(manager, { businessId: business.id, kind: 'sms', dedupeKey: 'drain', payload: { to: nextPhone(), from: '+12125550100', body: 'x' } }),
    );
    const [{ id }] = await j.h.db.dataSource.query(`SELECT id FROM outbox WHERE dedupe_key = 'drain'`);
    await eventually(async () => (await status(id)) === 'sending');
    await runtime.stop();
    j.runtime = undefined;
    assert.equal(await status(id), 'sent');
    assert.equal(j.twilio.messages.length, 1);
  });

  it('a WhatsApp booking outside the 24-hour window is confirmed with the approved template', async () => {
    await j.start();
    const phone = nextPhone();
    await bookAppointment(j.h.context, {
      businessId: business.id, serviceId: 'cut', staffId: 'anna', start: MONDAY_10, customer: { phone }, channel: 'whatsapp',
    });
    await eventually(async () => (await outboxSettled(j)) && j.twilio.messages.length === 1);
    const [message] = j.twilio.messages;
    assert.equal(message!.to, `whatsapp:${phone}`);
    assert.equal(message!.contentSid, TEMPLATE);
    assert.deepEqual(JSON.parse(message!.contentVariables!), { 1: 'Cut', 2: 'Monday 2 March at 10 am', 3: 'Test Salon' });
  });

  it('an email the server refuses for now (451) is retried and arrives once', async () => {
    await j.start();
    j.smtp.refuseNext(1);
    await bookAppointment(j.h.context, {
      businessId: business.id, serviceId: 'cut', staffId: 'anna', start: MONDAY_10,
      customer: { phone: nextPhone(), email: 'jo@example.com' }, channel: 'voice',
    });
    await eventually(async () => (await outboxSettled(j)) && j.smtp.mails.length === 1);
    const [email] = await j.h.db.dataSource.query(`SELECT status, attempts FROM outbox WHERE kind = 'email'`);
    assert.deepEqual(email, { status: 'sent', attempts: 2 });
  });

  it('with DATABASE_URL the relay is woken by NOTIFY on insert, not by its poll', async () => {
    // A poll longer than the test's timeout: only the notification can move the row in time.
    await j.start({ databaseUrl: j.h.db.url, relayPollMs: 600_000 });
    await bookAppointment(j.h.context, {
      businessId: business.id, serviceId: 'cut', staffId: 'anna', start: MONDAY_10, customer: { phone: nextPhone() }, channel: 'sms',
    });
    await eventually(async () => (await outboxSettled(j)) && j.twilio.messages.length === 1);
  });

  it('reports queue_depth and jobs_total', async () => {
    const runtime = await j.start({ run: { relay: true, workers: false } });
    await bookAppointment(j.h.context, {
      businessId: business.id, serviceId: 'cut', staffId: 'anna', start: MONDAY_10, customer: { phone: nextPhone() }, channel: 'sms',
    });
    const depth = await eventually(async () => {
      const text = await j.metrics.registry.getSingleMetricAsString('frontdesk_queue_depth');
      return /queue="confirmations"} 1/.test(text) ? text : undefined;
    });
    assert.match(depth, /queue="calendar-sync"} 1/);
    await runtime.stop();
    await j.start();
    await eventually(async () => outboxSettled(j));
    await eventually(async () => {
      const text = await j.metrics.registry.getSingleMetricAsString('frontdesk_jobs_total');
      return /queue="sms",result="completed"} 1/.test(text) && /queue="confirmations",result="completed"} 1/.test(text);
    });
  });
});
