import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { signedPost, sid, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';

const { salon } = exampleBusinesses();
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York

/** The words spoken by `<Say>` in a TwiML answer. */
function spoken(twiml: string): string {
  return [...twiml.matchAll(/<Say[^>]*>([\s\S]*?)<\/Say>/g)].map((match) => match[1]!.replace(/&apos;/g, "'")).join(' ');
}

describe('a call in speech mode, turn by turn through /twilio/voice/gather', () => {
  let app: TestFrontdesk;
  before(async () => {
    app = await startTestFrontdesk({}, 'web', { now: () => now });
  });
  after(async () => app.close());

  /** Answers a new call, then posts each turn the way Twilio's `<Gather>` would. */
  function call(from = nextPhone()) {
    const callSid = sid('CA');
    let action = '';
    return {
      callSid,
      from,
      async answer(): Promise<string> {
        const twiml = await (await signedPost(app, '/twilio/voice', { CallSid: callSid, To: salon.phoneNumbers[0]!, From: from })).text();
        action = /action="([^"]+)"/.exec(twiml)![1]!.replace(/&amp;/g, '&');
        return twiml;
      },
      async turn(params: { SpeechResult?: string; Digits?: string }, path = action): Promise<string> {
        const response = await signedPost(app, path, { CallSid: callSid, To: salon.phoneNumbers[0]!, From: from, ...params });
        assert.equal(response.status, 200);
        const twiml = await response.text();
        action = /action="([^"]+)"/.exec(twiml)?.[1]?.replace(/&amp;/g, '&') ?? '';
        return twiml;
      },
      get action() {
        return action;
      },
    };
  }

  it('books in two turns and stores the call, its turns and its outcome', async () => {
    const caller = call();
    await caller.answer();
    assert.equal(caller.action, '/twilio/voice/gather?turn=1');
    const confirm = await caller.turn({ SpeechResult: "hi I'd like a haircut tomorrow at three pm" });
    assert.match(spoken(confirm), /tomorrow at 3 pm\. Shall I book it\?/);
    assert.equal(caller.action, '/twilio/voice/gather?turn=2');
    const booked = await caller.turn({ SpeechResult: 'yes please' });
    assert.match(spoken(booked), /You're booked for tomorrow at 3 pm\. You will get a confirmation by text\./);
    const [row] = await app.db.dataSource.query(
      `SELECT c.outcome, c.turn_count, (SELECT count(*)::int FROM call_turns t WHERE t.call_id = c.id) AS turns FROM calls c WHERE call_sid = $1`,
      [caller.callSid],
    );
    assert.deepEqual(row, { outcome: 'booked', turn_count: 4, turns: 4 });
    const [booking] = await app.db.dataSource.query(`SELECT channel FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1`, [caller.from]);
    assert.equal(booking?.channel, 'voice');
  });

  it('answers a retried turn with the same bytes and runs it once', async () => {
    const caller = call();
    await caller.answer();
    const first = await caller.turn({ SpeechResult: 'a haircut on friday at 3 pm' });
    const retried = await caller.turn({ SpeechResult: 'a haircut on friday at 3 pm' }, '/twilio/voice/gather?turn=1');
    assert.equal(retried, first);
    const [row] = await app.db.dataSource.query(`SELECT turn_count FROM calls WHERE call_sid = $1`, [caller.callSid]);
    assert.equal(row.turn_count, 2);
  });

  it('reprompts silence twice, then says goodbye and hangs up', async () => {
    const caller = call();
    await caller.answer();
    const first = await caller.turn({ SpeechResult: '' });
    assert.match(spoken(first), /^Sorry, I didn't hear anything\./);
    await caller.turn({});
    const last = await caller.turn({ SpeechResult: '' });
    assert.match(spoken(last), /Goodbye!$/);
    assert.match(last, /<Hangup\/>/);
  });

  it('puts the caller through to the forwarding number on 0 or on request', async () => {
    const byKey = call();
    await byKey.answer();
    const dialled = await byKey.turn({ Digits: '0' });
    assert.match(dialled, /<Dial>\+17185550199<\/Dial>/);
    const byWords = call();
    await byWords.answer();
    assert.match(await byWords.turn({ SpeechResult: 'can I talk to a human' }), /<Dial>/);
    const [row] = await app.db.dataSource.query(`SELECT outcome FROM calls WHERE call_sid = $1`, [byWords.callSid]);
    assert.equal(row.outcome, 'transferred');
  });

  it('apologises and hangs up for a turn of a call it has no record of', async () => {
    const response = await signedPost(app, '/twilio/voice/gather?turn=1', { CallSid: sid('CA'), To: salon.phoneNumbers[0]!, SpeechResult: 'hello' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<Hangup\/>/);
  });

  it('refuses a turn number that is not one', async () => {
    const response = await signedPost(app, '/twilio/voice/gather?turn=zero', { CallSid: sid('CA'), To: salon.phoneNumbers[0]! });
    assert.equal(response.status, 400);
  });
});
