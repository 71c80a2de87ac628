import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import pino from 'pino';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { queuePrefixFor, reminderJobId } from '../../src/jobs/queues.js';
import { bookAppointment, rescheduleAppointment } from '../../src/scheduling/booking-service.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { searchSlots, type SchedulingContext } from '../../src/scheduling/scheduling-context.js';
import { twimlMessages } from '../../src/tools/twilio-client.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { report, startFaultFrontdesk, waitUntil, type FaultFrontdesk } from './support.js';

const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;
/** What customers actually send; carriers match the keyword alone, in any case, with spaces around. */
const STOP_VARIANTS = ['STOP', 'stop', ' Stop ', 'STOPALL', 'unsubscribe', 'CANCEL', 'End', 'QUIT', 'stop\n'];
const START_VARIANTS = ['START', 'unstop', 'Yes'];

describe('faults #12: STOP variants, STOP while a reminder is queued, START', () => {
  let twilio: FakeTwilioRest;
  let app: FaultFrontdesk;
  let reminders: Queue;
  let context: SchedulingContext;

  before(async () => {
    twilio = await startFakeTwilioRest();
    app = await startFaultFrontdesk({
      role: 'all',
      logLevel: 'error',
      env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_API_URL: twilio.url },
    });
    reminders = new Queue('reminders', { connection: { host: '127.0.0.1', port: 6379 }, prefix: queuePrefixFor(app.db.url) });
    context = {
      dataSource: app.db.dataSource,
      businesses: new BusinessDirectory([salon]),
      calendar: createLocalCalendarProvider(),
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
    };
  });
  after(async () => {
    await reminders.obliterate({ force: true });
    await reminders.close();
    await app.close();
    await twilio.close();
  });

  const textsTo = (phone: string) => twilio.messages.filter((message) => message.to === phone);
  const text = async (phone: string, body: string) => {
    const response = await signedPost(app, '/twilio/sms', { MessageSid: sid('SM'), From: phone, To: salonNumber, Body: body, NumMedia: '0' });
    return twimlMessages(await response.text()).join('\n');
  };
  const outboxStatus = async (bookingId: string, kind: string) =>
    ((await app.db.dataSource.query(`SELECT status FROM outbox WHERE booking_id = $1 AND kind = $2 ORDER BY created_at`, [bookingId, kind])) as { status: string }[]).map(
      (row) => row.status,
    );

  it(`${STOP_VARIANTS.length} STOP variants with a reminder queued: 0 texts after STOP; START re-enables`, async () => {
    const service = salon.services[0]!;
    const slots = await searchSlots(context, {
      businessId: salon.id,
      serviceId: service.id,
      from: new Date(Date.now() + 2 * 86_400_000),
      to: new Date(Date.now() + 20 * 86_400_000),
    });
    const spaced = slots.filter((_slot, i) => i % 8 === 0);
    assert.ok(spaced.length >= STOP_VARIANTS.length * 3, `only ${spaced.length} slots`);

    const results: { variant: string; unsubscribedReply: boolean; afterStop: number; quietReply: boolean; afterStart: number; reminderAfterStop: string }[] = [];
    for (const [i, variant] of STOP_VARIANTS.entries()) {
      const phone = nextPhone();
      const [first, moved, movedAgain] = [spaced[i * 3]!, spaced[i * 3 + 1]!, spaced[i * 3 + 2]!];
      const { booking } = await bookAppointment(context, {
        businessId: salon.id, serviceId: service.id, staffId: first.staffId, start: first.start, customer: { phone }, channel: 'sms',
      });
      await waitUntil(() => textsTo(phone).length === 1, 10_000, 'the booking confirmation');
      const reminder = await waitForJob(reminders, reminderJobId(booking.id, first.start));

      // STOP while the reminder waits in its queue.
      const stopReply = await text(phone, variant);
      const sentBeforeStop = textsTo(phone).length;
      await reminder.promote();
      await waitUntil(async () => (await outboxStatus(booking.id, 'reminder')).includes('cancelled'), 10_000, 'the reminder to be cancelled');
      // A conversation text and a move after STOP: neither may produce a text.
      const quiet = await text(phone, 'can I book a haircut?');
      await rescheduleAppointment(context, { bookingId: booking.id, start: moved.start });
      await waitUntil(async () => (await outboxStatus(booking.id, 'confirmation')).every((status) => ['sent', 'cancelled', 'failed'].includes(status)), 10_000, 'the move notice to settle');
      const afterStop = textsTo(phone).length - sentBeforeStop;

      // START (or one of its synonyms) and the next move is confirmed, and its reminder sent.
      await text(phone, START_VARIANTS[i % START_VARIANTS.length]!);
      await rescheduleAppointment(context, { bookingId: booking.id, start: movedAgain.start });
      const nextReminder = await waitForJob(reminders, reminderJobId(booking.id, movedAgain.start));
      await nextReminder.promote();
      await waitUntil(() => textsTo(phone).length >= sentBeforeStop + afterStop + 2, 10_000, 'the move notice and reminder after START');
      results.push({
        variant: JSON.stringify(variant),
        unsubscribedReply: /unsubscribed/i.test(stopReply),
        afterStop,
        quietReply: quiet === '',
        afterStart: textsTo(phone).length - sentBeforeStop - afterStop,
        reminderAfterStop: (await outboxStatus(booking.id, 'reminder'))[0]!,
      });
    }

    const textsAfterStop = results.reduce((sum, result) => sum + result.afterStop, 0);
    report(
      12,
      `STOP variants ${STOP_VARIANTS.length} (${STOP_VARIANTS.map((variant) => JSON.stringify(variant)).join(' ')}), each with a reminder queued: ` +
        `honoured ${results.filter((result) => result.unsubscribedReply).length}, texts after STOP ${textsAfterStop}, replies to texts after STOP ${results.filter((result) => !result.quietReply).length}, ` +
        `queued reminders cancelled ${results.filter((result) => result.reminderAfterStop === 'cancelled').length}; START re-enabled ${results.filter((result) => result.afterStart >= 2).length}/${results.length}`,
    );
    for (const result of results) {
      assert.ok(result.unsubscribedReply, `${result.variant} was not taken as STOP`);
      assert.equal(result.afterStop, 0, `${result.variant}: ${result.afterStop} texts after STOP`);
      assert.ok(result.quietReply, `${result.variant}: a text after STOP was answered`);
      assert.equal(result.reminderAfterStop, 'cancelled');
      assert.ok(result.afterStart >= 2, `${result.variant}: START did not re-enable texts`);
    }
  });
});

async function waitForJob(queue: Queue, id: string) {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const job = await queue.getJob(id);
    if (job) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no job ${id} in ${queue.name}`);
}
