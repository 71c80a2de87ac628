import assert from 'node:assert/strict';
import { respond, type DialogDependencies } from '../../../src/dialog/policy/dialog-engine.js';
import { newDialogState, type DialogState } from '../../../src/dialog/policy/dialog-state.js';
import { RuleUnderstanding } from '../../../src/dialog/understanding/rule-understanding.js';
import { createTeamInbox } from '../../../src/channels/team-inbox.js';
import { createScheduler } from '../../../src/scheduling/scheduler.js';
import { exampleBusinesses } from '../../support/businesses.js';
import { nextPhone, schedulingHarness, type SchedulingHarness } from '../../support/scheduling.js';

const { salon } = exampleBusinesses();
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York

describe('dialog policy over real scheduling (salon example, rules only)', () => {
  let h: SchedulingHarness;
  let deps: DialogDependencies;

  beforeEach(async () => {
    h = await schedulingHarness(salon, { now });
    deps = {
      business: salon,
      scheduler: createScheduler(h.context),
      understanding: new RuleUnderstanding(),
      team: createTeamInbox(h.db.dataSource),
    };
  });
  afterEach(async () => h.drop());

  /** Plays the customer's lines in order and returns every reply and the final state. */
  async function conversation(lines: string[], options: { phone?: string; channel?: 'sms' | 'voice' } = {}) {
    const phone = options.phone ?? nextPhone();
    let state: DialogState = newDialogState();
    const replies: { text: string; end?: string }[] = [];
    for (const utterance of lines) {
      const out = await respond(deps, state, { utterance, channel: options.channel ?? 'sms', customerPhone: phone, now });
      state = out.state;
      replies.push(out.reply);
    }
    return { replies, state, phone, last: replies.at(-1)!.text };
  }

  async function bookingsOf(phone: string): Promise<{ status: string; starts_at: Date }[]> {
    return h.db.dataSource.query(
      `SELECT b.status, b.starts_at FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1 ORDER BY b.starts_at`,
      [phone],
    );
  }

  it('books: asks, offers three real times, confirms, books', async () => {
    const { replies, phone, last } = await conversation(["hi I'd like a haircut tomorrow afternoon", 'the first one', 'yes']);
    assert.match(replies[0]!.text, /1\) tomorrow at (?:noon|.* pm)\n2\) .*\n3\) /);
    assert.match(replies[1]!.text, /Shall I book it\?$/);
    assert.match(last, /^You're booked for tomorrow at (?:noon|\d{1,2}(:\d\d)? pm)\./);
    const [booking] = await bookingsOf(phone);
    assert.equal(booking?.status, 'confirmed');
    const jobs = await h.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'confirmation'`);
    assert.equal(jobs[0].n, 1, 'a written confirmation is queued');
  });

  it('tells onLikelyReply the booked reply before booking: the same text when it books, not said when the slot went', async () => {
    const phone = nextPhone();
    const offered = await respond(deps, newDialogState(), { utterance: 'can I book a haircut on thursday at 3 pm', channel: 'voice', customerPhone: phone, now });
    const likely: string[] = [];
    const booked = await respond(deps, offered.state, {
      utterance: 'yes',
      channel: 'voice',
      customerPhone: phone,
      now,
      onLikelyReply: (text) => likely.push(text),
    });
    assert.equal(booked.reply.done, 'booked');
    assert.deepEqual(likely, [booked.reply.text], 'told once, the reply given');

    // Someone else takes the time between the read-back and the yes.
    const other = nextPhone();
    const again = await respond(deps, newDialogState(), { utterance: 'can I book a haircut on thursday at 4 pm', channel: 'voice', customerPhone: other, now });
    const chosen = again.state.chosen!;
    await deps.scheduler.book({ businessId: salon.id, serviceId: again.state.serviceId!, staffId: chosen.staffId, start: new Date(chosen.start), customer: { phone: nextPhone() }, channel: 'sms' });
    const told: string[] = [];
    const refused = await respond(deps, again.state, { utterance: 'yes', channel: 'voice', customerPhone: other, now, onLikelyReply: (text) => told.push(text) });
    assert.equal(refused.reply.done, undefined);
    assert.equal(told.length, 1);
    assert.match(told[0]!, /^You're booked/);
    assert.notEqual(refused.reply.text, told[0], 'the likely reply was not the one given');
  });

  it('takes a correction at the confirmation ("no, Friday")', async () => {
    const { replies, phone } = await conversation(['can I book a haircut on thursday at 3 pm', 'no friday', 'yes']);
    assert.match(replies[0]!.text, /Thursday the 10th at 3 pm\. Shall I book it\?/);
    assert.match(replies[1]!.text, /Friday the 11th at 3 pm\. Shall I book it\?/);
    const [booking] = await bookingsOf(phone);
    assert.equal(new Date(booking!.starts_at).toISOString(), '2026-12-11T20:00:00.000Z');
  });

  it('offers other times on request, and answers an FAQ in the middle without losing the task', async () => {
    const { replies, state } = await conversation(['a haircut tomorrow morning please', 'any other times?', 'is there parking nearby', 'the second one']);
    assert.match(replies[1]!.text, /^I can also do/);
    const parking = salon.faq.find((entry) => entry.id === 'parking')!.answer;
    assert.ok(replies[2]!.text.startsWith(parking), replies[2]!.text);
    assert.ok(replies[2]!.text.endsWith(replies[1]!.text), 'then the offer again');
    assert.equal(state.stage, 'confirming');
  });

  it('offers the nearest days when nothing is free on the day asked (closed on Sunday)', async () => {
    const { replies } = await conversation(['a haircut on sunday please']);
    assert.match(replies[0]!.text, /^Sorry, there's nothing free then\. The nearest I can do is:\n1\) Monday the 14th of December at 10 am/);
  });

  it('speaks offers in one breath on a call', async () => {
    const { replies } = await conversation(['a haircut tomorrow morning please'], { channel: 'voice' });
    assert.equal(replies[0]!.text, 'I can do tomorrow at 9 am, 9:15 am or 9:30 am. Which would you like?');
  });

  it('says what is offered when the service is unknown', async () => {
    const { replies } = await conversation(['I want to book an appointment', 'a tattoo']);
    assert.match(replies[0]!.text, /^Which service would you like\? We offer/);
    assert.match(replies[1]!.text, /^Sorry, that's not something we offer\. Which service/);
  });

  it('hands a caller who asks for a person to the forwarding number', async () => {
    const { replies } = await conversation(['can I speak to a real person please'], { channel: 'voice' });
    assert.equal(replies[0]!.end, 'transfer');
  });

  it('offers a person after two turns it did not understand', async () => {
    const { replies } = await conversation(['blorp', 'zzz qqq', 'yes'], { channel: 'voice' });
    assert.match(replies[0]!.text, /didn't catch that/);
    assert.match(replies[1]!.text, /put you through/);
    assert.equal(replies[2]!.end, 'transfer');
  });

  it("cancels the caller's own upcoming booking after confirming", async () => {
    const first = await conversation(["I'd like a haircut on wednesday at 11 am", 'yes']);
    const { replies } = await conversation(['I need to cancel my appointment', 'yes'], { phone: first.phone });
    assert.match(replies[0]!.text, /Wednesday the 9th at 11 am\. Shall I cancel it\?/);
    assert.match(replies[1]!.text, /^That's cancelled\./);
    assert.deepEqual((await bookingsOf(first.phone)).map((row) => row.status), ['cancelled']);
  });

  it("moves the caller's own booking to the time they name", async () => {
    const first = await conversation(["I'd like a haircut on wednesday at 11 am", 'yes']);
    const { replies } = await conversation(['can I move my appointment to friday at 11 am', 'yes'], { phone: first.phone });
    assert.match(replies[0]!.text, /move it to Friday the 11th at 11 am with .*\. Shall I go ahead\?/);
    assert.match(replies[1]!.text, /^Done, your appointment is now Friday the 11th at 11 am\./);
    const rows = await bookingsOf(first.phone);
    assert.deepEqual(rows.map((row) => [row.status, new Date(row.starts_at).toISOString()]), [['confirmed', '2026-12-11T16:00:00.000Z']]);
  });

  it('moves the offer earlier or later on request, and takes a bare number from a numbered list', async () => {
    const { replies, phone } = await conversation(['a haircut on friday at 2 pm', 'anything earlier?', 'later please', '2', 'yes']);
    assert.match(replies[0]!.text, /Friday the 11th at 2 pm\. Shall I book it\?$/);
    assert.match(replies[1]!.text, /^I can do:\n1\) Friday the 11th at (?:noon|1[0-2](:\d\d)? [ap]m|1(:\d\d)? pm)\n/);
    const earlierTimes = [...replies[1]!.text.matchAll(/\) (.*)/g)].map((match) => match[1]);
    assert.ok(!earlierTimes.includes('Friday the 11th at 2 pm'), 'only times before 2 pm');
    assert.match(replies[2]!.text, /^I can also do:\n1\) Friday the 11th at 2 pm\n2\) Friday the 11th at 2:15 pm/);
    assert.match(replies[3]!.text, /Friday the 11th at 2:15 pm\. Shall I book it\?$/);
    const [booking] = await bookingsOf(phone);
    assert.equal(new Date(booking!.starts_at).toISOString(), '2026-12-11T19:15:00.000Z');
  });

  it('says so when nothing is earlier than the first time of the day, and keeps the offer', async () => {
    const { replies } = await conversation(['a haircut tomorrow morning please', 'anything earlier?']);
    assert.match(replies[1]!.text, /^Sorry, there's nothing earlier than tomorrow at 9 am\. I can do:/);
  });

  it('takes a message for the team when someone texting asks for a person', async () => {
    const { replies, phone } = await conversation(['can I speak to someone please', 'my name is Dana Lee', 'please call me about a colour correction']);
    assert.equal(replies[0]!.text, "I'll ask the team to get back to you. What's your name?");
    assert.match(replies[1]!.text, /^Thanks, Dana Lee\. What would you like me to pass on\?/);
    assert.match(replies[2]!.text, /^Thanks, I've passed that on/);
    const [message] = await h.db.dataSource.query(`SELECT kind, payload FROM outbox WHERE dedupe_key LIKE 'team-message:%'`);
    assert.equal(message.kind, 'email');
    assert.equal(message.payload.to, salon.teamEmail);
    assert.equal(
      message.payload.text,
      `Message for ${salon.name} from Dana Lee (by sms): "please call me about a colour correction". Call back on ${phone}.`,
    );
  });

  it('asks a caller without a usable number for one before the message', async () => {
    const noForwarding = { ...salon, forwardingNumber: undefined, teamEmail: undefined };
    const replies: string[] = [];
    let state: DialogState = newDialogState();
    for (const utterance of ['I want to talk to a human', "it's Sam", 'two one two five five five zero one four two', 'I left my scarf there yesterday']) {
      const out = await respond({ ...deps, business: noForwarding }, state, { utterance, channel: 'voice', now });
      state = out.state;
      replies.push(out.reply.text);
    }
    assert.match(replies[0]!, /^There's nobody available to take the call right now, but I can take a message\. What's your name\?/);
    assert.match(replies[1]!, /What number should the team call you back on\?/);
    assert.match(replies[2]!, /What would you like me to pass on\?/);
    // Neither an email nor a number to pass it to: the message is kept for the admin pages.
    const [message] = await h.db.dataSource.query(`SELECT payload FROM outbox WHERE kind = 'team-message'`);
    assert.equal(message.payload.phone, '+12125550142');
    assert.equal(message.payload.reason, 'I left my scarf there yesterday');
  });

  it('books for a caller whose number is withheld by asking a name and a number, then finds it by name and day from another phone', async () => {
    const withheld = async (lines: string[]) => {
      let state: DialogState = newDialogState();
      const replies: string[] = [];
      for (const utterance of lines) {
        const out = await respond(deps, state, { utterance, channel: 'voice', now });
        state = out.state;
        replies.push(out.reply.text);
      }
      return replies;
    };
    const booking = await withheld(['a haircut on friday at 2 pm', "it's Sam Lee", 'two one two five five five zero one four two', 'yes']);
    assert.equal(booking[0], 'What name should I put the booking under?');
    assert.equal(booking[1], 'And what number should we text the confirmation to?');
    assert.match(booking[2]!, /Friday the 11th at 2 pm\. Shall I book it\?$/);
    assert.match(booking[3]!, /^You're booked for Friday the 11th at 2 pm\./);
    const [customer] = await h.db.dataSource.query(`SELECT name, phone FROM customers WHERE phone = '+12125550142'`);
    assert.deepEqual(customer, { name: 'Sam Lee', phone: '+12125550142' });

    const cancel = await withheld(['I need to cancel my appointment', 'sam lee', 'it is on friday', 'yes']);
    assert.equal(cancel[0], 'Sure. What name is the booking under?');
    assert.equal(cancel[1], 'And what day is the appointment?');
    assert.match(cancel[2]!, /Friday the 11th at 2 pm\. Shall I cancel it\?$/);
    assert.match(cancel[3]!, /^That's cancelled\./);
  });

  it('says so when nothing is booked under that name on that day', async () => {
    const { replies } = await conversation(['I want to move my appointment', 'Alex Kim', 'tuesday']);
    assert.match(replies[0]!.text, /^I can't find an upcoming appointment for this number\. What name is the booking under\?$/);
    assert.equal(replies[2]!.text, "I can't find an upcoming appointment under Alex Kim on that day. Would you like to book one?");
  });

  it('searches "next week" as a span of days, one slot a day at a stated time', async () => {
    const { replies } = await conversation(['a haircut next week in the afternoon please']);
    assert.match(replies[0]!.text, /^I can do:\n1\) Monday the 14th of December at (?:noon|[1-5](:\d\d)? pm)\n/);
    const atThree = await conversation(['can I get a haircut next week at 3 pm']);
    assert.match(atThree.replies[0]!.text, /^I can do:\n1\) Monday the 14th of December at 3 pm\n2\) Tuesday the 15th of December at 3 pm\n3\) Wednesday the 16th of December at 3 pm\n/);
  });

  it('books nothing when the turn is dropped (the caller spoke over us) before the calendar changes', async () => {
    const { state, phone } = await conversation(['a haircut on friday at 3 pm']);
    const dropped = new AbortController();
    dropped.abort(new Error('the caller spoke over us'));
    await assert.rejects(
      respond(deps, state, { utterance: 'yes', channel: 'voice', customerPhone: phone, now, signal: dropped.signal }),
      /the caller spoke over us/,
    );
    assert.deepEqual(await bookingsOf(phone), []);
  });

  it('answers hours, address and prices from the business file, then carries on', async () => {
    const { replies } = await conversation([
      'what are your hours on saturday',
      'what are your opening hours',
      'where are you located',
      'a mens cut tomorrow morning please',
      'how much is it',
    ]);
    assert.match(replies[0]!.text, /^Saturday the 12th we're open from 9 am to 5 pm\./);
    assert.match(replies[1]!.text, /^We're open Monday 10 am to 6 pm, Tuesday and Wednesday 9 am to 7 pm, .*; closed on Sunday\./);
    assert.match(replies[2]!.text, new RegExp(`^We're at ${salon.address}\\.`));
    const mens = salon.services.find((service) => service.id === 'mens-cut')!;
    assert.ok(replies[4]!.text.startsWith(`A men's cut is $${mens.price!.amount}.`), replies[4]!.text);
    assert.ok(replies[4]!.text.endsWith(replies[3]!.text), 'then the offer again');
  });

  it('says a named time is taken, asks which one on a plain yes, and moves to the day it offers instead of a full one', async () => {
    await conversation(["a men's cut on friday at 3 pm", 'yes']); // only Ben does men's cuts
    const { replies } = await conversation(["a men's cut on friday at 3 pm"]);
    assert.match(replies[0]!.text, /^Sorry, Friday the 11th at 3 pm isn't free\. I can do:\n/);
    const sunday = await conversation(['a haircut on sunday please', 'yes', '10:15 please']);
    assert.match(sunday.replies[0]!.text, /The nearest I can do is:\n1\) Monday the 14th of December at 10 am/);
    assert.equal(sunday.replies[1]!.text, 'Which one would you like? Reply with its number, 1 to 3.');
    assert.match(sunday.replies[2]!.text, /Monday the 14th of December at 10:15 am\. Shall I book it\?$/, 'the time is read on the day offered');
  });
});
