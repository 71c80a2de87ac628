import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { counterValue, inParallel, report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';

/** 500 customers × 2 messages; each message delivered 4 times (the original and 3 replays). */
const CUSTOMERS = 500;
const DELIVERIES = 4;
/** Monday 09:00 in New York: "tomorrow at 3 pm" is inside the salon's hours. */
const PINNED_NOW = new Date('2026-12-07T14:00:00Z');
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;
/** Asked times spread over the week, so that many conversations end in a booking. */
const DAYS = ['tomorrow', 'on wednesday', 'on thursday', 'on friday'];
const HOURS = ['10 am', '11 am', '1 pm', '2 pm', '3 pm', '4 pm'];
const script = (customer: number) => [`hi I'd like a haircut ${DAYS[customer % DAYS.length]} at ${HOURS[Math.floor(customer / DAYS.length) % HOURS.length]}`, 'yes please'];
const SCRIPT_LENGTH = 2;

describe('faults #3: inbound texts replayed', () => {
  let app: FaultFrontdesk;
  before(async () => {
    app = await startFaultFrontdesk({ logLevel: 'error', start: { now: () => PINNED_NOW } });
  });
  after(async () => app.close());

  it(`${CUSTOMERS * SCRIPT_LENGTH} texts each replayed ${DELIVERIES - 1}×, some concurrently: one turn, one reply, one booking each`, async () => {
    const understoodBefore = await counterValue(app, 'frontdesk_understanding_total');
    const differentAnswers: string[] = [];
    const failures: string[] = [];
    const sent: { messageSid: string; from: string; body: string; customer: number }[] = [];

    const deliver = async (message: { messageSid: string; from: string; body: string }) => {
      const response = await signedPost(app, '/twilio/sms', { MessageSid: message.messageSid, From: message.from, To: salonNumber, Body: message.body, NumMedia: '0' });
      const text = await response.text();
      if (response.status !== 200) failures.push(`${response.status} ${text.slice(0, 200)}`);
      return text;
    };

    await inParallel(Array.from({ length: CUSTOMERS }, () => nextPhone()), 24, async (from, index) => {
      for (const body of script(index)) {
        const message = { messageSid: sid('SM'), from, body, customer: index };
        sent.push(message);
        // Twilio retrying while the first delivery is still being answered: two at once.
        const answers = await Promise.all([deliver(message), deliver(message)]);
        // Every tenth customer's replays come at once as well.
        if (index % 10 === 0) answers.push(...(await Promise.all([deliver(message), deliver(message)])));
        if (new Set(answers).size !== 1) differentAnswers.push(`${message.messageSid}: ${JSON.stringify(answers)}`);
      }
    });
    // The remaining replays arrive late, after the conversations moved on, in reverse order.
    await inParallel([...sent].reverse(), 24, async (message) => {
      if (message.customer % 10 === 0) return;
      for (let i = 2; i < DELIVERIES; i += 1) await deliver(message);
    });

    const query = async (sql: string) => (await app.db.dataSource.query(sql)) as { n: number }[];
    const [inbound] = await query(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`);
    const [duplicateInbound] = await query(
      `SELECT count(*)::int AS n FROM (SELECT message_sid FROM messages WHERE direction = 'inbound' GROUP BY 1 HAVING count(*) > 1) d`,
    );
    const [outbound] = await query(`SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound'`);
    const [lateReplies] = await query(`SELECT count(*)::int AS n FROM outbox WHERE kind IN ('sms', 'whatsapp', 'text-reply')`);
    const [duplicateBookings] = await query(
      `SELECT count(*)::int AS n FROM (SELECT customer_id FROM bookings WHERE status <> 'cancelled' GROUP BY 1 HAVING count(*) > 1) d`,
    );
    const [bookings] = await query(`SELECT count(*)::int AS n FROM bookings`);
    const [confirmations] = await query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'confirmation'`);
    const understood = (await counterValue(app, 'frontdesk_understanding_total')) - understoodBefore;
    const messages = CUSTOMERS * SCRIPT_LENGTH;

    report(
      3,
      `texts ${messages} × ${DELIVERIES} deliveries: inbound rows ${inbound!.n}, duplicate inbound ${duplicateInbound!.n}, ` +
        `replies ${outbound!.n + lateReplies!.n} (inline ${outbound!.n}, late ${lateReplies!.n}), replays answered differently ${differentAnswers.length}; ` +
        `bookings ${bookings!.n}, customers with >1 booking ${duplicateBookings!.n}, confirmations ${confirmations!.n}; understandings ${understood} (1 per message: ${messages})`,
    );
    assert.deepEqual(failures.slice(0, 3), []);
    assert.equal(inbound!.n, messages);
    assert.equal(duplicateInbound!.n, 0);
    assert.ok(outbound!.n + lateReplies!.n <= messages, 'at most one reply per message');
    assert.deepEqual(differentAnswers.slice(0, 3), []);
    assert.ok(bookings!.n > 0, 'the script books: a test that cannot fail is a defect');
    assert.equal(duplicateBookings!.n, 0);
    assert.equal(confirmations!.n, bookings!.n);
    assert.equal(understood, messages);
  });
});
