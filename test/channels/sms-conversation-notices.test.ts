import assert from 'node:assert/strict';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { eventually } from '../jobs/job-harness.js';
import { exampleBusinesses } from '../support/businesses.js';
import { startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { textThread } from '../support/text-thread.js';

const { salon } = exampleBusinesses();
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York

/**
 * The whole path of a texted booking, as in production with one `all` process: the signed SMS
 * webhook, the dialog, the booking, the outbox, the relay, BullMQ, and the senders talking to the
 * Twilio REST and SMTP fakes.
 */
describe('a booking made, moved and cancelled by SMS, and what the customer receives', () => {
  let twilio: FakeTwilioRest;
  let smtp: FakeSmtp;
  let app: TestFrontdesk;
  before(async () => {
    twilio = await startFakeTwilioRest();
    smtp = await startFakeSmtp();
    app = await startTestFrontdesk(
      { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_API_URL: twilio.url, SMTP_URL: smtp.url },
      'all',
      { now: () => now },
    );
  });
  after(async () => {
    await app.close();
    await twilio.close();
    await smtp.close();
  });

  const textsTo = (phone: string) => twilio.messages.filter((message) => message.to === phone);
  /** The customer's reminder rows, oldest first: `waiting` (pending, or a delayed job) or `cancelled`. */
  const reminders = async (phone: string): Promise<string[]> => {
    const rows: { status: string }[] = await app.db.dataSource.query(
      `SELECT o.status FROM outbox o JOIN bookings b ON b.id = o.booking_id
         JOIN customers c ON c.id = b.customer_id WHERE o.kind = 'reminder' AND c.phone = $1 ORDER BY o.created_at`,
      [phone],
    );
    return rows.map((row) => (['pending', 'queued'].includes(row.status) ? 'waiting' : row.status));
  };

  it('sends one text and one email with an invite for each change, and keeps one reminder in step', async () => {
    const phone = nextPhone();
    const texts = textThread(app, { from: phone, to: salon.messaging.smsFrom! });

    const booked = await texts.say("I'd like a men's cut on friday at 3 pm, my email is jo@example.com", 'yes');
    assert.match(booked[1]!, /^You're booked for Friday the 11th at 3 pm\./);
    await eventually(async () => textsTo(phone).length === 1 && smtp.mails.length === 1);
    assert.match(textsTo(phone)[0]!.body!, /Friday/);
    assert.match(smtp.mails[0]!.raw, /METHOD:REQUEST/);
    assert.deepEqual(await reminders(phone), ['waiting']);

    const moved = await texts.say('can I move my appointment to thursday at 2 pm', 'yes');
    assert.match(moved[1]!, /^Done, your appointment is now Thursday the 10th at 2 pm\./);
    await eventually(async () => textsTo(phone).length === 2 && smtp.mails.length === 2);
    assert.match(textsTo(phone)[1]!.body!, /moved/);
    assert.match(smtp.mails[1]!.raw, /SEQUENCE:1/);
    assert.deepEqual(await reminders(phone), ['cancelled', 'waiting']);

    await texts.say('I need to cancel my appointment', 'yes');
    await eventually(async () => textsTo(phone).length === 3 && smtp.mails.length === 3);
    assert.match(textsTo(phone)[2]!.body!, /cancelled/);
    assert.match(smtp.mails[2]!.raw, /METHOD:CANCEL/);
    await eventually(async () => (await reminders(phone)).join() === 'cancelled,cancelled');
  });
});
