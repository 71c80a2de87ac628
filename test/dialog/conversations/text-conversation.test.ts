import assert from 'node:assert/strict';
import { exampleBusinesses } from '../../support/businesses.js';
import { signedPost, sid, startTestFrontdesk, type TestFrontdesk } from '../../support/frontdesk.js';
import { nextPhone } from '../../support/scheduling.js';
import { textThread } from '../../support/text-thread.js';

const { salon } = exampleBusinesses();
const salonSms = salon.messaging.smsFrom!;
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York

describe('text conversations through the signed SMS webhook (salon, rules only)', () => {
  let app: TestFrontdesk;
  before(async () => {
    app = await startTestFrontdesk({}, 'web', { now: () => now });
  });
  after(async () => app.close());

  const thread = (channel: 'sms' | 'whatsapp' = 'sms') =>
    textThread(app, { from: nextPhone(), to: channel === 'sms' ? salonSms : salon.messaging.whatsappFrom!, channel });

  async function bookingsOf(phone: string): Promise<{ status: string; starts_at: Date; channel: string }[]> {
    return app.db.dataSource.query(
      `SELECT b.status, b.starts_at, b.channel FROM bookings b JOIN customers c ON c.id = b.customer_id
        WHERE c.phone = $1 ORDER BY b.starts_at`,
      [phone],
    );
  }

  it('books across three messages, keeping the state in Postgres between them', async () => {
    const customer = nextPhone();
    const texts = textThread(app, { from: customer, to: salonSms });
    const replies = await texts.say("hi I'd like a haircut tomorrow afternoon", 'the first one', 'yes');
    assert.match(replies[0]!, /^I can do:\n1\) tomorrow at/);
    assert.match(replies[1]!, /Shall I book it\?$/);
    assert.match(replies[2]!, /^You're booked for tomorrow at/);
    const [booking] = await bookingsOf(customer);
    assert.equal(booking?.status, 'confirmed');
    assert.equal(booking?.channel, 'sms');
    const [conversation] = await app.db.dataSource.query(
      `SELECT v.version, v.state->>'stage' AS stage FROM conversations v JOIN customers c ON c.id = v.customer_id WHERE c.phone = $1`,
      [customer],
    );
    assert.deepEqual(conversation, { version: 3, stage: 'finished' });
    const [messages] = await app.db.dataSource.query(
      `SELECT count(*) FILTER (WHERE direction = 'inbound')::int AS inbound, count(*) FILTER (WHERE direction = 'outbound')::int AS outbound
         FROM messages m JOIN customers c ON c.id = m.customer_id WHERE c.phone = $1`,
      [customer],
    );
    assert.deepEqual(messages, { inbound: 3, outbound: 3 });
  });

  it('answers a replayed MessageSid with the first reply and runs no second turn', async () => {
    const texts = thread();
    const first = await texts.send('a haircut on friday at 3 pm');
    const again = await texts.send('a haircut on friday at 3 pm', { MessageSid: first.messageSid });
    assert.equal(again.twiml, first.twiml);
    const yes = await texts.send('yes');
    assert.match(yes.reply, /^You're booked for Friday the 11th at 3 pm\./);
  });

  it('takes a correction, offers other times, and answers an FAQ mid-booking', async () => {
    const texts = thread();
    const [offer, more, parking, pick, corrected] = await texts.say(
      'a haircut tomorrow morning please',
      'any other times?',
      'is there parking nearby',
      'the second one',
      'no thursday',
    );
    assert.match(offer!, /^I can do:/);
    assert.match(more!, /^I can also do:/);
    assert.ok(parking!.startsWith(salon.faq.find((entry) => entry.id === 'parking')!.answer));
    assert.match(pick!, /Shall I book it\?$/);
    assert.match(corrected!, /Thursday the 10th/);
  });

  it('says what is offered for an unknown service, and offers the nearest days when a day is full', async () => {
    const texts = thread();
    const [ask, unknown] = await texts.say('I want to book an appointment', 'a tattoo');
    assert.match(ask!, /^Which service would you like\?/);
    assert.match(unknown!, /^Sorry, that's not something we offer\./);
    const [closed] = await thread().say('a haircut on sunday please');
    assert.match(closed!, /^Sorry, there's nothing free then\. The nearest I can do is:/);
  });

  it('moves and then cancels the texter’s own booking', async () => {
    const customer = nextPhone();
    const texts = textThread(app, { from: customer, to: salonSms });
    await texts.say("I'd like a haircut on wednesday at 11 am", 'yes');
    const [move, moved] = await texts.say('can I move my appointment to friday at 11 am', 'yes');
    assert.match(move!, /move it to Friday the 11th at 11 am/);
    assert.match(moved!, /^Done, your appointment is now Friday the 11th at 11 am\./);
    const [cancel, cancelled] = await texts.say('I need to cancel my appointment', 'yes');
    assert.match(cancel!, /Friday the 11th at 11 am\. Shall I cancel it\?/);
    assert.match(cancelled!, /^That's cancelled\./);
    assert.deepEqual((await bookingsOf(customer)).map((row) => row.status), ['cancelled']);
  });

  it('takes a message for the team when a texter asks for a person', async () => {
    const [ask, reason, done] = await thread().say('can I speak to a real person please', 'Dana', 'I need a quote for bridal hair');
    assert.match(ask!, /^I'll ask the team to get back to you\. What's your name\?$/);
    assert.match(reason!, /^Thanks, Dana\. What would you like me to pass on\?$/);
    assert.match(done!, /^Thanks, I've passed that on/);
  });

  it('works the same over WhatsApp and remembers the 24-hour window', async () => {
    const customer = nextPhone();
    const texts = textThread(app, { from: customer, to: salon.messaging.whatsappFrom!, channel: 'whatsapp' });
    const [offer] = await texts.say('a haircut tomorrow morning please');
    assert.match(offer!, /^I can do:/);
    const [row] = await app.db.dataSource.query(`SELECT last_whatsapp_inbound_at FROM customers WHERE phone = $1`, [customer]);
    assert.equal(new Date(row.last_whatsapp_inbound_at).toISOString(), now.toISOString());
  });

  it('answers media and empty messages politely, never with an error', async () => {
    const texts = thread();
    const media = await texts.send('', { NumMedia: '1' });
    assert.equal(media.status, 200);
    assert.match(media.reply, /I can only read text messages/);
    const empty = await texts.send('   ');
    assert.match(empty.reply, /your message was empty/);
  });

  it('honours STOP, then sends nothing until START; "cancel" alone explains how to cancel a booking', async () => {
    const customer = nextPhone();
    const texts = textThread(app, { from: customer, to: salonSms });
    const stop = await texts.send(' Stop ');
    assert.match(stop.reply, /unsubscribed/);
    const silent = await texts.send('a haircut tomorrow please');
    assert.equal(silent.reply, '', 'an opted-out number gets no reply');
    const start = await texts.send('START');
    assert.match(start.reply, /resubscribed/);
    const [row] = await app.db.dataSource.query(`SELECT opted_out_at FROM customers WHERE phone = $1`, [customer]);
    assert.equal(row.opted_out_at, null);
    const cancel = await thread().send('CANCEL');
    assert.match(cancel.reply, /To cancel an appointment, reply START and then "cancel my appointment"/);
  });

  it('refuses an unsigned text with 403 and stores nothing', async () => {
    const response = await fetch(`${app.url}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: `SM${'a'.repeat(32)}`, From: nextPhone(), To: salonSms, Body: 'hi' }),
    });
    assert.equal(response.status, 403);
  });

  it('answers a flood from one number once with "please wait", then keeps quiet, but still honours STOP', async () => {
    // A number no other run uses: the limit is counted in Redis for a minute.
    const flooder = `+1646${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const texts = textThread(app, { from: flooder, to: salonSms });
    const replies = await texts.say(...Array.from({ length: 12 }, (_, i) => `what time do you open ${i}`));
    assert.ok(replies.slice(0, 10).every((reply) => reply !== ''), 'the first ten are answered');
    assert.match(replies[10]!, /^You're sending messages faster than I can answer\./);
    assert.equal(replies[11], '', 'then quiet: no bill for a flood');
    assert.match((await texts.send('STOP')).reply, /unsubscribed/);
    const [row] = await app.db.dataSource.query(
      `SELECT count(*)::int AS n FROM messages m JOIN customers c ON c.id = m.customer_id WHERE c.phone = $1 AND m.direction = 'inbound'`,
      [flooder],
    );
    assert.equal(row.n, 13, 'every message is kept');
  });

  it('cuts off an address after its refused (unsigned) webhooks with 429 and Retry-After; signed ones never count', async () => {
    const capped = await startTestFrontdesk({}, 'web', { now: () => now, textWebhookIpLimit: { requestsPerWindow: 3 } });
    try {
      // Counted in Redis once it is connected (in memory before): wait, so every refusal counts in one place.
      for (let tries = 0; (await fetch(`${capped.url}/health`)).status !== 200; tries += 1) {
        if (tries > 100) throw new Error('Redis never connected');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const texts = textThread(capped, { from: nextPhone(), to: salonSms });
      const signed = [];
      for (let i = 0; i < 5; i += 1) signed.push((await texts.send(`what are your opening hours ${i}`)).status);
      assert.deepEqual(signed, [200, 200, 200, 200, 200], 'genuine webhooks are never limited by address');
      const forged = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await signedPost(capped, '/twilio/sms', { MessageSid: sid('SM'), From: nextPhone(), To: salonSms, Body: 'hi' }, { signature: 'forged' });
        forged.push(response.status);
        if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) > 0);
      }
      assert.deepEqual(forged, [403, 403, 403, 429]);
      const counted = await capped.running.metrics.registry.getSingleMetricAsString('frontdesk_webhook_requests_total');
      assert.match(counted, /route="\/twilio\/sms",status="429"\} 1/);
    } finally {
      await capped.close();
    }
  });

  it('takes texts from one number that arrive together one at a time: all kept, all answered, none lost to a race', async () => {
    const customer = nextPhone();
    const texts = textThread(app, { from: customer, to: salonSms });
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => texts.send(`what are your opening hours ${i}`)));
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200, 200, 200]);
    assert.ok(answers.every((answer) => answer.reply.startsWith("We're open")), JSON.stringify(answers.map((answer) => answer.reply)));
    const [conversation] = await app.db.dataSource.query(
      `SELECT v.version FROM conversations v JOIN customers c ON c.id = v.customer_id WHERE c.phone = $1`,
      [customer],
    );
    assert.equal(conversation.version, 5, 'five turns saved, one after another');
  });
});
