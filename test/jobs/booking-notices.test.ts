import assert from 'node:assert/strict';
import { bookAppointment, cancelAppointment, rescheduleAppointment } from '../../src/scheduling/booking-service.js';
import { reminderJobId } from '../../src/jobs/queues.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone } from '../support/scheduling.js';
import { eventually, jobHarness, outboxSettled, type JobHarness } from './job-harness.js';

const business = testBusiness();
const now = new Date('2026-03-01T13:00:00Z');
const MONDAY_10 = new Date('2026-03-02T15:00:00Z');
const TUESDAY_11 = new Date('2026-03-03T16:00:00Z');

describe('booking notices through the outbox, BullMQ and the fakes', () => {
  let j: JobHarness;
  beforeEach(async () => {
    j = await jobHarness(business, now);
  });
  afterEach(() => j.close());

  const statuses = async () =>
    Object.fromEntries(
      (
        (await j.h.db.dataSource.query(
          `SELECT kind || ':' || status AS key, count(*)::int AS n FROM outbox GROUP BY 1 ORDER BY 1`,
        )) as { key: string; n: number }[]
      ).map((row) => [row.key, row.n]),
    );

  it('book, move, cancel: one text and one email each, the reminder following the booking', async () => {
    const runtime = await j.start();
    const reminders = runtime.queues.get('reminders')!;
    const phone = nextPhone();
    const { booking } = await bookAppointment(j.h.context, {
      businessId: business.id,
      serviceId: 'cut',
      staffId: 'anna',
      start: MONDAY_10,
      customer: { phone, email: 'jo@example.com', name: 'Jo' },
      channel: 'sms',
    });
    await eventually(async () => (await outboxSettled(j)) && j.smtp.mails.length === 1);
    assert.equal(j.twilio.messages.length, 1);
    assert.equal(j.twilio.messages[0]!.to, phone);
    assert.equal(j.twilio.messages[0]!.body, "Test Salon: you're booked for Cut with Anna on Monday 2 March at 10 am. Reply to change or cancel.");
    assert.match(j.smtp.mails[0]!.raw, /METHOD:REQUEST/);
    assert.match(j.smtp.mails[0]!.raw, /SEQUENCE:0/);
    const first = await eventually(() => reminders.getJob(reminderJobId(booking.id, MONDAY_10)));
    assert.equal(await first.isDelayed(), true);

    await rescheduleAppointment(j.h.context, { bookingId: booking.id, start: TUESDAY_11 });
    await eventually(async () => (await outboxSettled(j)) && j.smtp.mails.length === 2);
    assert.equal(j.twilio.messages.length, 2);
    assert.match(j.twilio.messages[1]!.body!, /has moved to Tuesday 3 March at 11 am/);
    assert.match(j.smtp.mails[1]!.raw, /SEQUENCE:1/);
    await eventually(() => reminders.getJob(reminderJobId(booking.id, TUESDAY_11)));
    assert.equal(await reminders.getJob(reminderJobId(booking.id, MONDAY_10)), undefined);

    await cancelAppointment(j.h.context, booking.id);
    await eventually(async () => (await outboxSettled(j)) && j.smtp.mails.length === 3);
    assert.equal(j.twilio.messages.length, 3);
    assert.match(j.twilio.messages[2]!.body!, /is cancelled/);
    assert.match(j.smtp.mails[2]!.raw, /METHOD:CANCEL/);
    assert.match(j.smtp.mails[2]!.raw, /SEQUENCE:2/);
    assert.equal(await reminders.getJob(reminderJobId(booking.id, TUESDAY_11)), undefined);
    assert.equal(await reminders.getDelayedCount(), 0);

    const sent: { message_sid: string; direction: string; status: string }[] = await j.h.db.dataSource.query(
      `SELECT message_sid, direction, status FROM messages ORDER BY created_at`,
    );
    assert.deepEqual(sent.map((row) => row.message_sid), j.twilio.messages.map((message) => message.sid));
    assert.deepEqual(await statuses(), {
      'calendar-sync:sent': 3,
      'confirmation:sent': 3,
      'email:sent': 3,
      'reminder:cancelled': 2,
      'sms:sent': 3,
    });
  });

  it('a voice booking is confirmed by SMS; a reminder is not sent to a customer who opted out meanwhile, and is after opting back in', async () => {
    const runtime = await j.start();
    const reminders = runtime.queues.get('reminders')!;
    const phone = nextPhone();
    const { booking } = await bookAppointment(j.h.context, {
      businessId: business.id, serviceId: 'cut', staffId: 'anna', start: MONDAY_10, customer: { phone }, channel: 'voice',
    });
    await eventually(async () => (await outboxSettled(j)) && j.twilio.messages.length === 1);
    assert.equal(j.smtp.mails.length, 0);
    const job = await eventually(() => reminders.getJob(reminderJobId(booking.id, MONDAY_10)));

    await j.h.db.dataSource.query(`UPDATE customers SET opted_out_at = now() WHERE phone = $1`, [phone]);
    await job.promote();
    await eventually(async () => (await statuses())['reminder:cancelled'] === 1);
    assert.equal(j.twilio.messages.length, 1);

    // Opted back in: the next reminder (after a move) goes out.
    await j.h.db.dataSource.query(`UPDATE customers SET opted_out_at = NULL WHERE phone = $1`, [phone]);
    await rescheduleAppointment(j.h.context, { bookingId: booking.id, start: TUESDAY_11 });
    const moved = await eventually(() => reminders.getJob(reminderJobId(booking.id, TUESDAY_11)));
    await moved.promote();
    await eventually(async () => (await statuses())['reminder:sent'] === 1 && (await outboxSettled(j)));
    assert.equal(j.twilio.messages.length, 3);
    assert.match(j.twilio.messages[2]!.body!, /reminder of your Cut with Anna on Tuesday 3 March at 11 am, 1 Main St/);
  });
});
