import assert from 'node:assert/strict';
import { twimlMessages } from '../../src/tools/twilio-client.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { inParallel, report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';
import { startVoiceFakes, type VoiceFakes } from '../support/voice-fakes.js';

const FLOOD_TEXTS = 500;
const CALLS = 200;
const MAX_CALLS = 20;
/** The shipped per-number limit (src/channels/text-rate-limit.ts): 10 answered a minute, then one "please wait". */
const ANSWERED_PER_WINDOW = 10;
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;

describe('faults #15: a text flood from one number, a burst of calls past MAX_CALLS', () => {
  let fakes: VoiceFakes;
  let app: FaultFrontdesk;
  before(async () => {
    fakes = await startVoiceFakes();
    app = await startFaultFrontdesk({
      logLevel: 'error',
      env: { MAX_CALLS: String(MAX_CALLS), ...fakes.env },
    });
  });
  after(async () => fakes.closeAfter(app));

  it(`${FLOOD_TEXTS} texts within a minute from one number, 10 at once: every one kept, replies capped`, async () => {
    const flooder = nextPhone();
    const startedAt = Date.now();
    const answers = await inParallel(Array.from({ length: FLOOD_TEXTS }, (_, i) => i), 10, async (i) => {
      const response = await signedPost(app, '/twilio/sms', { MessageSid: sid('SM'), From: flooder, To: salonNumber, Body: `what are your opening hours ${i}`, NumMedia: '0' });
      return { status: response.status, replies: twimlMessages(await response.text()) };
    });
    const elapsedMs = Date.now() - startedAt;
    const replies = answers.filter((answer) => answer.replies.length > 0).length;
    const [{ n: kept }] = await app.db.dataSource.query(
      `SELECT count(*)::int AS n FROM messages m JOIN customers c ON c.id = m.customer_id WHERE c.phone = $1 AND m.direction = 'inbound'`,
      [flooder],
    );
    // Someone else texting at the same time is not held back by the flood.
    const bystander = await signedPost(app, '/twilio/sms', { MessageSid: sid('SM'), From: nextPhone(), To: salonNumber, Body: 'what are your opening hours', NumMedia: '0' });
    const bystanderReplies = twimlMessages(await bystander.text()).length;

    report(
      15,
      `${FLOOD_TEXTS} texts from one number in ${Math.round(elapsedMs / 1000)} s: answered 200 ${answers.filter((answer) => answer.status === 200).length}, kept ${kept}, ` +
        `replies ${replies} (cap ${ANSWERED_PER_WINDOW} + 1 "please wait"); another number's text answered ${bystanderReplies ? 'yes' : 'no'}`,
    );
    assert.ok(elapsedMs < 60_000, 'the flood fits in one window');
    assert.equal(answers.filter((answer) => answer.status === 200).length, FLOOD_TEXTS);
    assert.equal(kept, FLOOD_TEXTS);
    assert.equal(replies, ANSWERED_PER_WINDOW + 1);
    assert.equal(bystanderReplies, 1);
  });

  // Texts from one number handled at once used to deadlock in Postgres (the turn and
  // openConversation took the customer and conversation rows in opposite orders): apologies, lost
  // texts, answers over 15 s. Fixed in 0a7fdef; this keeps it fixed.
  it('30 texts from one number, 10 at once: every one kept and answered within 15 s', async () => {
    const texter = nextPhone();
    const answers = await inParallel(Array.from({ length: 30 }, (_, i) => i), 10, async (i) => {
      const startedAt = Date.now();
      const response = await signedPost(app, '/twilio/sms', { MessageSid: sid('SM'), From: texter, To: salonNumber, Body: `what are your opening hours ${i}`, NumMedia: '0' });
      const replies = twimlMessages(await response.text());
      return { ms: Date.now() - startedAt, apology: replies.some((reply) => /can't answer messages right now/.test(reply)) };
    });
    const [{ n: kept }] = await app.db.dataSource.query(
      `SELECT count(*)::int AS n FROM messages m JOIN customers c ON c.id = m.customer_id WHERE c.phone = $1 AND m.direction = 'inbound'`,
      [texter],
    );
    assert.equal(kept, 30);
    assert.equal(answers.filter((answer) => answer.apology).length, 0);
    assert.ok(Math.max(...answers.map((answer) => answer.ms)) < 15_000);
  });

  // The burst goes as fast as the test client (same process, 2 cores) can send, 50 at once; the
  // line says the rate reached, since the issue asks for 200 a second.
  it(`${CALLS} signed calls in a burst with MAX_CALLS ${MAX_CALLS}: none dropped, the rest in <Gather> mode`, async () => {
    const startedAt = Date.now();
    const answers = await inParallel(Array.from({ length: CALLS }, (_, i) => i), 50, async () => {
      const callSid = sid('CA');
      fakes.twilio.addCall(callSid);
      const callStartedAt = Date.now();
      const response = await signedPost(app, '/twilio/voice', { CallSid: callSid, From: nextPhone(), To: salonNumber, CallStatus: 'ringing' });
      const twiml = await response.text();
      return { status: response.status, twiml, ms: Date.now() - callStartedAt };
    });
    const elapsedMs = Date.now() - startedAt;
    const stream = answers.filter((answer) => answer.twiml.includes('<Stream')).length;
    const gather = answers.filter((answer) => answer.twiml.includes('<Gather')).length;
    const fallback = answers.filter((answer) => answer.twiml.includes('<Dial')).length;
    const dropped = answers.filter((answer) => answer.status !== 200).length;
    const slowest = Math.max(...answers.map((answer) => answer.ms));

    report(
      15,
      `${CALLS} calls in ${elapsedMs} ms (${Math.round((CALLS * 1000) / elapsedMs)}/s), MAX_CALLS ${MAX_CALLS}: stream mode ${stream}, <Gather> mode ${gather}, fallback ${fallback}, dropped ${dropped}, slowest answer ${slowest} ms`,
    );
    assert.equal(dropped, 0);
    assert.ok(stream <= MAX_CALLS, `${stream} calls in stream mode`);
    assert.equal(stream + gather + fallback, CALLS);
    assert.ok(slowest < 5000, `slowest answer ${slowest} ms`);
  });
});
